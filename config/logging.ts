/**
 * Logs: one JSON object per line where a machine reads them (a container, a file, a pipe), and
 * human-readable lines in a terminal. `LOG_FORMAT` overrides the choice. Lines carry IDs, never
 * an applicant's personal data.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { traceFields } from '../observability/tracing';

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormatSetting = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelSetting = (typeof LOG_LEVELS)[number];

/** `auto`: pretty in a terminal, JSON otherwise. */
export function resolveLogFormat(setting: LogFormatSetting, stream: { isTTY?: boolean } = process.stdout) {
  if (setting !== 'auto') return setting;
  return stream.isTTY ? 'pretty' : 'json';
}

export function createLogger(
  options: {
    level: LogLevelSetting;
    format: LogFormatSetting;
    /** Names the process in every line (`api`, `worker`). */
    name?: string;
  },
  destination?: DestinationStream,
): Logger {
  const pretty = resolveLogFormat(options.format) === 'pretty';
  const settings: LoggerOptions = {
    level: options.level,
    // The trace and span of the work a line is about, when traces are on.
    mixin: traceFields,
    ...(options.name ? { name: options.name } : {}),
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            // The request line's own fields are in its message already.
            options: {
              translateTime: 'HH:MM:ss.l',
              ignore: 'pid,hostname,reqId,method,route,status,ms,traceId,spanId',
              singleLine: true,
            },
          },
        }
      : {}),
  };
  return destination && !pretty ? pino(settings, destination) : pino(settings);
}
