/**
 * Starts and stops `npm start` again and again, ending it as a developer or a machine would: Ctrl-C
 * (SIGINT to its process group), SIGTERM, SIGKILL to the whole group (a tool's timeout), and SIGKILL
 * to its Node process alone (the OOM killer). A run succeeds when `npm start` said it was running, an
 * onboarding could then be started through its API, and afterwards no dev server (nor its watchdog)
 * is left and every port is free again; after Ctrl-C and SIGTERM, the parts must also have stopped
 * in order, Temporal last.
 *
 * Usage: npx tsx dev/start-stop-trial.ts [runs, default 20]   (Linux: it reads /proc; uses `.data/`
 * like `npm start`, on the default ports, which must be free)
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { seedApplicant } from '../complycube-emulator/seed-applicant';
import { loadConfig } from '../config/config';
import { portProblem, startPorts } from './start-ports';

const root = path.resolve(__dirname, '..');
const ENDINGS = ['SIGINT to the group', 'SIGKILL to the group', 'SIGTERM to the group', 'SIGKILL to node'] as const;
type Ending = (typeof ENDINGS)[number];
const PORTS = startPorts(loadConfig({}), {
  temporal: { host: '127.0.0.1', port: 7233, uiPort: 8233 },
  emulatorPort: 8787,
  workerMetrics: '127.0.0.1:9464',
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes whose command line mentions this checkout's dev server or its watchdog. */
function leftovers(): string[] {
  const database = path.join(root, '.data', 'temporal.db');
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      return args.includes(database) ? [`${entry} ${args.slice(0, 120)}`] : [];
    } catch {
      return [];
    }
  });
}

async function heldPorts(): Promise<string[]> {
  const problems = await Promise.all(PORTS.map((port) => portProblem(port.host, port.port)));
  return PORTS.filter((_, index) => problems[index]).map((port) => `${port.port} (${port.what})`);
}

/** The pid of the Node process that runs dev/start.ts under tsx, in group `group`. */
function startProcess(group: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (Number(fields[2]) === group && args.includes('loader.mjs') && args.includes('dev/start.ts'))
        return Number(entry);
    } catch {
      continue;
    }
  }
  return undefined;
}

async function startAnOnboarding(): Promise<string> {
  const applicant = await seedApplicant('http://127.0.0.1:8787/v1', 'test_emulator_key', {
    email: 'trial@example.com',
  });
  const response = await fetch('http://127.0.0.1:3000/v1/onboardings', {
    method: 'POST',
    headers: { Authorization: 'Bearer dev-service-token-change-me', 'Content-Type': 'application/json' },
    body: JSON.stringify(applicant),
  });
  return response.status === 201 ? '' : `start answered ${response.status} ${await response.text()}`;
}

interface Run {
  ending: Ending;
  readyMs?: number;
  stopMs?: number;
  problems: string[];
}

async function once(ending: Ending): Promise<Run> {
  const run: Run = { ending, problems: [] };
  const began = Date.now();
  const child = spawn('npm', ['start'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Its output pipes close once every process that holds them is gone: the dev server's included.
  const closed = Promise.all([child.stdout, child.stderr].map((stream) => new Promise((r) => stream.once('close', r))));
  while (!output.includes('is running') && child.exitCode === null && Date.now() - began < 240_000) await sleep(200);
  if (output.includes('is running')) {
    run.readyMs = Date.now() - began;
    const problem = await startAnOnboarding().catch((error: Error) => `start failed: ${error.message}`);
    if (problem) run.problems.push(problem);
  } else {
    run.problems.push(`not ready: ${output.slice(-600)}`);
  }

  const stopped = Date.now();
  const group = child.pid!;
  if (ending === 'SIGKILL to node') {
    const pid = startProcess(group);
    if (pid) process.kill(pid, 'SIGKILL');
    else run.problems.push('no dev/start.ts process found');
  } else {
    const signal =
      ending === 'SIGINT to the group' ? 'SIGINT' : ending === 'SIGTERM to the group' ? 'SIGTERM' : 'SIGKILL';
    try {
      process.kill(-group, signal);
    } catch {
      run.problems.push('npm start had already ended');
    }
  }
  await Promise.race([exited, sleep(60_000)]);
  if (child.exitCode === null && child.signalCode === null) run.problems.push('npm start did not exit within 60 s');
  await Promise.race([closed, sleep(30_000)]);
  // Then the dev server must go too, and every port be free: the next start needs them.
  for (const until = Date.now() + 30_000; Date.now() < until; await sleep(100)) {
    if (leftovers().length === 0 && (await heldPorts()).length === 0) break;
  }
  run.stopMs = Date.now() - stopped;
  const left = leftovers();
  if (left.length) run.problems.push(`left running: ${left.join('; ')}`);
  const held = await heldPorts();
  if (held.length) run.problems.push(`ports still held: ${held.join(', ')}`);
  if ((ending === 'SIGINT to the group' || ending === 'SIGTERM to the group') && run.readyMs !== undefined) {
    const order = ['stopped the API', 'stopped the worker', 'stopped the Temporal dev server'].map((line) =>
      output.indexOf(line),
    );
    if (order.some((at, index) => at < 0 || (index > 0 && at < order[index - 1]!))) {
      run.problems.push(`not stopped in order: ${output.slice(output.indexOf('Stopping')).slice(0, 400)}`);
    }
  }
  return run;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  const held = await heldPorts();
  if (held.length || leftovers().length)
    throw new Error(`not starting: ports held (${held.join(', ')}) or a dev server running`);
  const results: Run[] = [];
  for (let index = 0; index < runs; index += 1) {
    const run = await once(ENDINGS[index % ENDINGS.length]!);
    results.push(run);
    console.log(
      `run ${index + 1}/${runs}  ${run.ending.padEnd(20)}  ready ${run.readyMs === undefined ? '—' : `${(run.readyMs / 1000).toFixed(1)} s`}` +
        `  clean ${((run.stopMs ?? 0) / 1000).toFixed(1)} s after the stop  ${run.problems.length ? `FAILED: ${run.problems.join(' | ')}` : 'ok'}`,
    );
  }
  const ok = results.filter((run) => run.problems.length === 0).length;
  console.log(`\n${ok}/${runs} runs succeeded (ready, an onboarding started, nothing left after the stop)`);
  for (const ending of ENDINGS) {
    const of = results.filter((run) => run.ending === ending);
    console.log(`  ${ending.padEnd(20)} ${of.filter((run) => run.problems.length === 0).length}/${of.length}`);
  }
  const ready = results.flatMap((run) => (run.readyMs === undefined ? [] : [run.readyMs])).sort((a, b) => a - b);
  if (ready.length) {
    console.log(
      `  time to ready: median ${(ready[Math.floor(ready.length / 2)]! / 1000).toFixed(1)} s, max ${(ready.at(-1)! / 1000).toFixed(1)} s`,
    );
  }
  process.exitCode = ok === runs ? 0 : 1;
}

void main();
