/**
 * Builds the review console (`console/` → `console/dist`) when it is missing or older than its
 * sources, so `npm start` and `npm test` always serve the console as it is in the tree.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const consoleDir = path.join(root, 'console');

function newest(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }, 0);
}

export function ensureConsoleBuilt(log: (line: string) => void = (line) => console.error(line)): void {
  const built = path.join(consoleDir, 'dist', 'index.html');
  const sources = Math.max(
    newest(path.join(consoleDir, 'src')),
    statSync(path.join(consoleDir, 'index.html')).mtimeMs,
    statSync(path.join(consoleDir, 'vite.config.mts')).mtimeMs,
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  log('Building the review console (console/ → console/dist)…');
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(consoleDir, 'vite.config.mts'),
      '--logLevel',
      'warn',
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } },
  );
  if (result.status !== 0) throw new Error('building the review console failed');
}
