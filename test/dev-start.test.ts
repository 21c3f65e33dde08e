import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/config';
import { startDevServer } from '../dev/dev-server';
import { assertPortsFree, startPorts } from '../dev/start-ports';
import { findOrBuildTemporalCli } from '../dev/temporal-cli';
import { freePort } from '../system/service-processes';

const root = path.resolve(__dirname, '..');

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

/** Pids of processes whose command line mentions `needle`. */
function processesWith(needle: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

describe('npm start: ports and its dev server', () => {
  let cli: string;
  let work: string;
  before(async () => {
    cli = (await findOrBuildTemporalCli()) ?? assert.fail('these tests need the Temporal CLI');
    work = mkdtempSync(path.join(tmpdir(), 'kyc-dev-start-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('names every taken port with the setting that moves it, and passes free ones', async () => {
    const [taken, free] = [await freePort(), await freePort()];
    const holder = await listenOn(taken);
    try {
      const ports = startPorts(loadConfig({ API_PORT: String(free) }), {
        temporal: { host: '127.0.0.1', port: taken, uiPort: await freePort() },
      });
      await assert.rejects(assertPortsFree(ports), (error: Error) => {
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${taken} \\(the Temporal dev server\\) is in use`));
        assert.match(error.message, /TEMPORAL_DEV_PORT moves it/);
        assert.doesNotMatch(error.message, /API_PORT/);
        return true;
      });
      holder.close();
      await assertPortsFree(ports);
    } finally {
      holder.close();
    }
  });

  it('refuses a port another dev server holds rather than take that server for its own', async () => {
    const port = await freePort();
    const options = { cli, ip: '127.0.0.1', port, namespace: 'default', searchAttributes: [] };
    const first = await startDevServer({ ...options, dbFilename: path.join(work, 'first.db') });
    try {
      await assert.rejects(
        startDevServer({ ...options, dbFilename: path.join(work, 'second.db') }),
        /the Temporal dev server exited with 1/,
      );
    } finally {
      await first.stop();
    }
  });

  it('stops the dev server when its starter is killed with SIGKILL', async () => {
    const dbFilename = path.join(work, 'orphan.db');
    const port = await freePort();
    const options = { cli, ip: '127.0.0.1', port, dbFilename, namespace: 'default', searchAttributes: [] };
    const starter = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `require('./dev/dev-server').startDevServer(${JSON.stringify(options)}).then(() => console.log('up'))`,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      starter.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('up') && resolve());
      starter.once('exit', (code) => reject(new Error(`the starter exited with ${code}`)));
    });
    assert.ok(processesWith(dbFilename).length > 0, 'the dev server runs');
    starter.kill('SIGKILL');
    const until = Date.now() + 20_000;
    while (processesWith(dbFilename).length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(processesWith(dbFilename), [], 'no dev server outlives its starter');
  });
});
