/** The Temporal SDK's logs (worker, workflows, activities, core) through the process's logger. */
import { DefaultLogger, type LogLevel, type Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { LogLevelSetting } from '../config/logging';

const TEMPORAL_TO_PINO: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's logger (workers, workflows, activities, core) writing through `logger`. */
export function temporalLogger(logger: Logger, level: LogLevel = 'INFO'): TemporalLogger {
  return new DefaultLogger(level, (entry) => {
    const { sdkComponent, ...meta } = entry.meta ?? {};
    logger[TEMPORAL_TO_PINO[entry.level]](
      { ...(sdkComponent ? { component: sdkComponent } : {}), ...meta },
      entry.message,
    );
  });
}

/** The SDK's level for a LOG_LEVEL setting. */
export function temporalLogLevel(level: LogLevelSetting): LogLevel {
  switch (level) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'info':
      return 'INFO';
    case 'warn':
      return 'WARN';
    default:
      return 'ERROR';
  }
}
