/** Where the project's files are, from source (tsx) or compiled (`dist/`) alike. */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The nearest folder above this file with a package.json. */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** The review console as built (`npm run build:console`). */
export const CONSOLE_DIST = path.join(projectRoot(), 'console', 'dist');
