/**
 * Builds a Go program from its module with `go install`, into a directory of this project,
 * showing progress: Go prints nothing while it compiles, and a first build takes minutes.
 * Go's own caches make later builds (a fresh clone on the same machine) take seconds.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

/** The Go toolchain: `go` on PATH, or Go's default install location. */
export function goBinary(): string | undefined {
  return onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

const elapsed = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
};

/**
 * `go install <module>` into `binDir`; resolves whether it succeeded. Prints what it builds, a
 * line every 15 s while Go compiles in silence, and how long it took.
 */
export async function goInstall(
  module: string,
  binDir: string,
  what: string,
  log: (line: string) => void = (line) => console.error(line),
): Promise<boolean> {
  mkdirSync(binDir, { recursive: true });
  return goRun(
    ['install', module],
    { env: { GOBIN: binDir } },
    `${what} (go install ${module}) into ${path.relative(process.cwd(), binDir) || binDir}`,
    log,
  );
}

/** Runs `go <args>`, showing progress while Go compiles in silence; resolves whether it succeeded. */
export async function goRun(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> },
  what: string,
  log: (line: string) => void = (line) => console.error(line),
): Promise<boolean> {
  const go = goBinary();
  if (!go) {
    log(`Cannot build ${what}: no Go toolchain (install Go).`);
    return false;
  }
  log(`Building ${what}…`);
  const started = Date.now();
  const child = spawn(go, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const name = what.split(' (')[0];
  const ticker = setInterval(() => log(`  …still building ${name} (${elapsed(Date.now() - started)})`), 15_000);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (status) => resolve(status));
  }).finally(() => clearInterval(ticker));
  log(code === 0 ? `Built ${name} in ${elapsed(Date.now() - started)}.` : `Building ${name} failed (exit ${code}).`);
  return code === 0;
}
