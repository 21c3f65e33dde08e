/**
 * `docker-compose.yml` as the production-topology tests read it: each service's image, command and
 * environment, interpolated from `deploy/compose.env.example` the way Compose interpolates them
 * from `.env`. The tests start what compose would start from these very values, so the two cannot
 * drift apart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..');
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
export const COMPOSE_ENV_FILE = path.join(ROOT, 'deploy', 'compose.env.example');

interface RawService {
  image?: string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: string[];
  profiles?: string[];
}

export interface ComposeService {
  name: string;
  image?: string;
  command: string[];
  entrypoint: string[];
  environment: Record<string, string>;
  /** `host path → container path`, for the files compose mounts from this repository. */
  mounts: { host: string; container: string }[];
}

/** The variables of an env file (`KEY=value` lines; `#` comments). */
export function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.trim();
  }
  return env;
}

/** Compose's interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `$$`. */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, name?: string, colon?: string, kind?: string, operand?: string, bare?: string) => {
      if (whole === '$$') return '$';
      if (bare) return env[bare] ?? '';
      const set = name! in env;
      const empty = !set || (colon === ':' && env[name!] === '');
      if (kind === '-') return empty ? operand! : env[name!]!;
      if (kind === '?') {
        if (empty) throw new Error(`compose: ${name} is required: ${operand}`);
        return env[name!]!;
      }
      return env[name!] ?? '';
    },
  );
}

export interface Compose {
  service(name: string): ComposeService;
  services: string[];
}

export function loadCompose(env: Record<string, string> = readEnvFile(COMPOSE_ENV_FILE)): Compose {
  const document = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
    services: Record<string, RawService>;
  };
  const resolve = (value: unknown) => interpolate(String(value), env);
  return {
    services: Object.keys(document.services),
    service(name) {
      const raw = document.services[name];
      if (!raw) throw new Error(`docker-compose.yml has no service ${name}`);
      const environment: Record<string, string> = {};
      if (Array.isArray(raw.environment)) {
        for (const pair of raw.environment) {
          const [key, ...rest] = pair.split('=');
          environment[key!] = resolve(rest.join('='));
        }
      } else {
        for (const [key, value] of Object.entries(raw.environment ?? {})) {
          environment[key] = value === null ? '' : resolve(value);
        }
      }
      const list = (value: string[] | string | undefined) =>
        (value === undefined ? [] : Array.isArray(value) ? value : value.split(' ')).map(resolve);
      const mounts = (raw.volumes ?? [])
        .map((volume) => volume.split(':'))
        .filter(([host]) => host!.startsWith('./'))
        .map(([host, container]) => ({ host: path.join(ROOT, host!), container: container! }));
      return {
        name,
        ...(raw.image ? { image: resolve(raw.image) } : {}),
        command: list(raw.command),
        entrypoint: list(raw.entrypoint),
        environment,
        mounts,
      };
    },
  };
}

/** The tag of an image reference (`temporalio/server:1.29.1` → `1.29.1`). */
export function imageTag(image: string | undefined): string {
  const tag = image?.split(':').at(-1);
  if (!image || !tag || tag === image) throw new Error(`image without a tag: ${image}`);
  return tag;
}

/** Where compose mounts `containerPath` from, in this repository. */
export function hostPathOf(service: ComposeService, containerPath: string): string {
  const mount = service.mounts.find((m) => m.container === containerPath);
  if (!mount) throw new Error(`${service.name} mounts nothing at ${containerPath}`);
  return mount.host;
}
