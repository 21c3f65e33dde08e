/**
 * The ports `npm start` listens on, each with the setting that moves it, and a check, before anything
 * starts, that every one is free: a taken port is named at once rather than found later by a part
 * that fails (or, for Temporal, by a start that talks to someone else's server).
 */
import { createServer } from 'node:net';
import { z } from 'zod';
import { ConfigError, type Config } from '../config/config';

/** One address `npm start` will listen on. */
export interface StartPort {
  /** What listens there, as the developer knows it. */
  what: string;
  host: string;
  port: number;
  /** The environment variable that moves it. */
  setting: string;
  /** Another way out, when there is one. */
  otherwise?: string;
}

const portSchema = z.coerce.number().int().min(1).max(65535);

/** A port from the environment; a bad one is refused with the variable's name. */
export function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = portSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`${name}=${value} is not a port (1–65535)`);
  return parsed.data;
}

/** What `npm start` binds with this configuration: `temporal` is undefined when it uses a server it did not start. */
export function startPorts(
  config: Config,
  options: { temporal?: { host: string; port: number; uiPort: number }; emulatorPort?: number; workerMetrics?: string },
): StartPort[] {
  const ports: StartPort[] = [];
  if (options.temporal) {
    const { host, port, uiPort } = options.temporal;
    ports.push({
      what: 'the Temporal dev server',
      host,
      port,
      setting: 'TEMPORAL_DEV_PORT',
      otherwise: `or TEMPORAL_ADDRESS=${host}:${port} uses the server there`,
    });
    ports.push({ what: 'the Temporal UI', host, port: uiPort, setting: 'TEMPORAL_UI_PORT' });
  }
  if (config.api.port !== 0) {
    ports.push({ what: 'the API', host: config.api.host, port: config.api.port, setting: 'API_PORT' });
  }
  if (options.emulatorPort !== undefined) {
    ports.push({
      what: 'the ComplyCube emulator',
      host: '127.0.0.1',
      port: options.emulatorPort,
      setting: 'EMULATOR_PORT',
    });
  }
  if (options.workerMetrics) {
    const at = options.workerMetrics.lastIndexOf(':');
    ports.push({
      what: "the worker's metrics",
      host: options.workerMetrics.slice(0, at),
      port: Number(options.workerMetrics.slice(at + 1)),
      setting: 'WORKER_METRICS_ADDRESS',
    });
  }
  return ports;
}

/** Why `host:port` cannot be listened on (e.g. EADDRINUSE), or undefined when it can. */
export function portProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

/** Throws one message naming every port that is taken, and the setting that moves each. */
export async function assertPortsFree(ports: StartPort[]): Promise<void> {
  const problems = await Promise.all(ports.map((port) => portProblem(port.host, port.port)));
  const lines = ports.flatMap((port, index) => {
    const problem = problems[index];
    if (!problem) return [];
    const why = problem === 'EADDRINUSE' ? 'is in use by another process' : `cannot be used (${problem})`;
    return [
      `  ${port.host}:${port.port} (${port.what}) ${why}: ${port.setting} moves it${port.otherwise ? `, ${port.otherwise}` : ''}`,
    ];
  });
  if (lines.length) throw new ConfigError(`npm start cannot listen where it needs to:\n${lines.join('\n')}`);
}
