/**
 * Where Temporal is and how to reach it, read as the Temporal CLI reads it (`@temporalio/envconfig`):
 * a profile from the config file (`TEMPORAL_CONFIG_FILE`, else `~/.config/temporalio/temporal.toml`;
 * `TEMPORAL_PROFILE`, else `default`), with `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
 * `TEMPORAL_API_KEY`, `TEMPORAL_TLS*` and `TEMPORAL_GRPC_META_*` over it. One setup, so an operator
 * who can reach the namespace with `temporal` reaches it with the worker and the API too.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import {
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfigProfile,
  type ConfigDataSource,
} from '@temporalio/envconfig';

/** Used when neither the environment nor a profile names a server: the local dev server. */
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/**
 * The project's own names from before it read the CLI's, kept working: each stands for the
 * standard variable beside it. Setting both to different values is an error.
 */
export const TEMPORAL_ENV_ALIASES = {
  TEMPORAL_TLS_CERT_PATH: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY_PATH: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA_PATH: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

/** What both `Connection.connect` and `NativeConnection.connect` take to reach the server. */
export interface TemporalConnectionOptions {
  address: string;
  /** `true`: TLS with the system's roots; `false` or absent: plaintext. */
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/** The resolved Temporal settings: the server, the namespace, and how to connect. */
export interface TemporalSettings {
  address: string;
  namespace: string;
  connection: TemporalConnectionOptions;
}

/** A Temporal setting that cannot work; the message names the variable or profile key to change. */
export class TemporalSettingError extends Error {
  override name = 'TemporalSettingError';
}

const BOOLEAN_VALUES = ['true', 'false', '1', '0'];
const CERT = 'TEMPORAL_TLS_CLIENT_CERT_PATH (alias TEMPORAL_TLS_CERT_PATH) or tls.client_cert_* in the profile';
const KEY = 'TEMPORAL_TLS_CLIENT_KEY_PATH (alias TEMPORAL_TLS_KEY_PATH) or tls.client_key_* in the profile';
const CA = 'TEMPORAL_TLS_SERVER_CA_CERT_PATH (alias TEMPORAL_TLS_CA_PATH) or tls.server_ca_cert_* in the profile';

/** Reads the Temporal settings from `env` and the profile file it points to; throws a TemporalSettingError. */
export function loadTemporalSettings(env: NodeJS.ProcessEnv): TemporalSettings {
  const standard = standardEnv(env);
  const tlsFlag = standard.TEMPORAL_TLS;
  if (tlsFlag !== undefined && !BOOLEAN_VALUES.includes(tlsFlag)) {
    throw new TemporalSettingError('TEMPORAL_TLS: must be true or false');
  }
  const file = standard.TEMPORAL_CONFIG_FILE;
  // The CLI ignores a missing file; a file named on purpose and absent is a typo worth stopping for.
  if (file !== undefined && !existsSync(file))
    throw new TemporalSettingError(`TEMPORAL_CONFIG_FILE: no file at ${file}`);
  const profile = readProfile(standard);
  checkCredentials(profile);
  const { connectionOptions, namespace } = toClientOptions(profile);
  const address = connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS;
  return {
    address,
    namespace: namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
    connection: {
      address,
      ...(connectionOptions.tls != null ? { tls: connectionOptions.tls } : {}),
      ...(connectionOptions.apiKey !== undefined ? { apiKey: connectionOptions.apiKey } : {}),
      ...(profile.grpcMeta ? { metadata: profile.grpcMeta } : {}),
    },
  };
}

/**
 * The environment as envconfig reads it: the aliases under their standard names, and empty
 * values unset (compose files write `${TEMPORAL_API_KEY:-}`; an empty key is no key).
 */
function standardEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const standard: Record<string, string> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    const value = name.startsWith('TEMPORAL_GRPC_META_') ? raw : raw.trim();
    if (value === '' && name.startsWith('TEMPORAL_') && !name.startsWith('TEMPORAL_GRPC_META_')) continue;
    standard[name] = value;
  }
  for (const [alias, name] of Object.entries(TEMPORAL_ENV_ALIASES)) {
    const value = standard[alias];
    if (value === undefined) continue;
    if (standard[name] !== undefined && standard[name] !== value) {
      throw new TemporalSettingError(`${alias} and ${name} name the same setting with different values: set one`);
    }
    standard[name] = value;
    delete standard[alias];
  }
  return standard;
}

function readProfile(env: Record<string, string>): ClientConfigProfile {
  try {
    return loadClientConfigProfile({ overrideEnvVars: env });
  } catch (error) {
    // The first line only: the TOML parser quotes the offending lines, which may hold a key.
    const reason = ((error as Error).message ?? String(error)).split('\n')[0];
    const file = env.TEMPORAL_CONFIG_FILE
      ? `TEMPORAL_CONFIG_FILE (${env.TEMPORAL_CONFIG_FILE})`
      : 'the Temporal config file';
    if (/^Profile '.*' not found/.test(reason ?? '')) {
      throw new TemporalSettingError(`TEMPORAL_PROFILE: no profile "${env.TEMPORAL_PROFILE}" in ${file}`);
    }
    throw new TemporalSettingError(`${file}: ${reason}`);
  }
}

/** The checks envconfig leaves out, which would otherwise fail later and less clearly (or not at all). */
function checkCredentials(profile: ClientConfigProfile): void {
  const tls = profile.tls;
  if (Boolean(tls?.clientCert) !== Boolean(tls?.clientKey)) {
    throw new TemporalSettingError(`a TLS client certificate and its key go together: set both ${CERT}, and ${KEY}`);
  }
  if (profile.apiKey && tls?.clientCert) {
    throw new TemporalSettingError(
      'use either an API key (TEMPORAL_API_KEY) or a client certificate (TEMPORAL_TLS_CLIENT_CERT_PATH) for Temporal, not both',
    );
  }
  if (tls?.disabled) return;
  for (const [source, setting] of [
    [tls?.clientCert, CERT],
    [tls?.clientKey, KEY],
    [tls?.serverCACert, CA],
  ] as [ConfigDataSource | undefined, string][]) {
    if (source && 'path' in source && !readable(source.path)) {
      throw new TemporalSettingError(`${setting}: cannot read ${source.path}`);
    }
  }
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
