/**
 * Runs the Temporal dev server and stops it when its starter is gone.
 *
 * The dev server runs in a process group of its own, so that a Ctrl-C reaches `npm start` only and
 * Temporal is stopped last; but then nothing stops it when `npm start` is killed with SIGKILL, and
 * it holds its ports for the next start. So it is run through this watchdog, whose stdin is a pipe
 * from the starter: the kernel closes that pipe however the starter ends, and the starter closes it
 * to ask for a graceful stop. Either way the dev server gets SIGTERM, SIGKILL 10 s later, and this
 * process exits with its code.
 *
 * Usage: dev-server-watchdog <temporal CLI> [arguments…]
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const [cli, ...args] = process.argv.slice(2);
if (!cli) {
  console.error('usage: dev-server-watchdog <temporal CLI> [arguments…]');
  process.exit(2);
}

// Its output comes through here rather than straight to the starter's pipe: written to a pipe whose
// reader is gone, a Go program dies of SIGPIPE, and the dev server must stop gracefully instead.
const server = spawn(cli, args, { stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.on('error', () => undefined);
server.stdout.on('data', (chunk: Buffer) => {
  if (process.stdout.writable) process.stdout.write(chunk);
});
server.once('error', (error) => {
  console.error(`the Temporal dev server could not be run: ${error.message}`);
  process.exit(127);
});
server.once('exit', (code, signal) => process.exit(code ?? (signal ? 128 + constants.signals[signal] : 1)));

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  setTimeout(() => server.kill('SIGKILL'), 10_000).unref();
}
process.stdin.once('end', stop);
process.stdin.once('error', stop);
process.stdin.resume();
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);
