/**
 * The chaos run's faults: ComplyCube errors, delays and rate limits, webhooks dropped, doubled,
 * delayed and reordered, and kill -9 of workers, APIs and the Temporal server, each kill followed
 * by a restart.
 */
import type { Cluster, Part } from './cluster';
import { sleep, type Random } from './random';

const COMPLYCUBE_FAULTS = [
  { kind: 'rate_limit', retryAfterSeconds: 0 },
  { kind: 'rate_limit', retryAfterSeconds: 1 },
  { kind: 'rate_limit' },
  { kind: 'error', status: 500 },
  { kind: 'error', status: 503 },
  { kind: 'drop_response' },
  { kind: 'delay', delayMs: 2_500 },
] as const;
const WEBHOOK_FAULTS = ['drop', 'duplicate', 'delay', 'reorder'] as const;

/** Faults every second or two until told to stop; each kill is followed by a restart. */
export async function injectFaults(
  cluster: Cluster,
  rng: Random,
  faults: Record<string, number>,
  finished: () => boolean,
  log: (line: string) => void,
): Promise<void> {
  const restarts: Promise<void>[] = [];
  const killAndRestart = async (part: Part, name: string) => {
    if (!cluster.isUp(part)) return;
    await cluster.kill(part);
    faults[name] = (faults[name] ?? 0) + 1;
    log(`kill -9 ${name}`);
    restarts.push(
      (async () => {
        await sleep(rng.int(500, 2_500));
        for (let attempt = 0; !cluster.isUp(part); attempt += 1) {
          // A worker or an API that cannot start while Temporal is away exits: try again.
          await cluster.restart(part).catch(() => sleep(1_000));
          if (attempt > 60) throw new Error(`${name} would not start again`);
        }
      })(),
    );
  };
  // Each kind of kill at least once, early, then any fault at random.
  const planned: (() => Promise<void>)[] = [
    () => killAndRestart({ kind: 'worker', index: rng.int(0, 1) }, 'worker'),
    () => killAndRestart({ kind: 'api', index: rng.int(0, 1) }, 'api'),
    () => killAndRestart({ kind: 'temporal' }, 'temporal server'),
  ].sort(() => rng.next() - 0.5);
  const control = (route: string, body: unknown) =>
    fetch(`${cluster.emulatorRoot}/_emulator${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  while (!finished()) {
    await sleep(rng.int(700, 2_000));
    if (finished()) break;
    const next = planned.shift();
    if (next) {
      await next();
      continue;
    }
    const roll = rng.next();
    if (roll < 0.45) {
      const fault = rng.pick(COMPLYCUBE_FAULTS);
      const count = rng.int(1, 3);
      await control('/faults', { ...fault, count });
      const name = `complycube ${fault.kind}${'status' in fault ? ` ${fault.status}` : ''}${'retryAfterSeconds' in fault ? ` retry-after ${fault.retryAfterSeconds}` : ''}`;
      faults[name] = (faults[name] ?? 0) + count;
    } else if (roll < 0.8) {
      const mode = rng.pick(WEBHOOK_FAULTS);
      const count = rng.int(1, 3);
      await control('/webhook-faults', { mode, count, delayMs: rng.int(500, 3_000) });
      faults[`webhook ${mode}`] = (faults[`webhook ${mode}`] ?? 0) + count;
    } else if (roll < 0.9) {
      await killAndRestart({ kind: 'worker', index: rng.int(0, 1) }, 'worker');
    } else if (roll < 0.97) {
      await killAndRestart({ kind: 'api', index: rng.int(0, 1) }, 'api');
    } else {
      await killAndRestart({ kind: 'temporal' }, 'temporal server');
    }
  }
  await Promise.all(restarts);
}
