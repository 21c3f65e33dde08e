/**
 * The browser the console's end-to-end tests drive: `CHROMIUM_PATH`, else a Chromium or Chrome on
 * the PATH's usual places, else Debian's `chromium` package installed with apt-get when this runs
 * as root on a Debian-like machine (as CI does). Playwright's own browser download is not used.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

function found(): string | undefined {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  return CANDIDATES.find((candidate) => existsSync(candidate));
}

export function findOrInstallChromium(log: (line: string) => void = console.error): string {
  const existing = found();
  if (existing) return existing;
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (!canInstall) {
    throw new Error(
      'The console tests need Chromium: install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH',
    );
  }
  log('Installing Chromium for the console tests (apt-get install chromium)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  const installed = found();
  if (!installed) throw new Error('apt-get installed chromium, but no browser binary was found');
  return installed;
}
