/**
 * The store on PGlite, PostgreSQL compiled to WebAssembly and embedded in this process: in memory,
 * or in a directory only this process may open.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Sql } from './sql';

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt
 * it. A pid file claims the directory; a claim by a process that has died is taken over.
 */
function claimDirectory(dataDir: string): () => void {
  const pidFile = path.join(dataDir, 'owner.pid');
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    owner = undefined;
  }
  if (owner && owner !== process.pid) {
    let alive = true;
    try {
      process.kill(owner, 0);
    } catch {
      alive = false;
    }
    if (alive) {
      throw new Error(
        `the embedded decision store in ${dataDir} is in use by process ${owner}; ` +
          'set DATABASE_URL to share one store between processes',
      );
    }
  }
  writeFileSync(pidFile, String(process.pid));
  return () => rmSync(pidFile, { force: true });
}

export async function embedded(dataDir: string | undefined): Promise<Sql> {
  let release = () => undefined as void;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = claimDirectory(dataDir);
  }
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return {
    query: (text, params) => db.query(text, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) })),
    async close() {
      await db.close();
      release();
    },
  };
}
