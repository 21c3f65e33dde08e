/** The benchmark's figures for one design, and the table that compares them. */
import type { Design } from './options';
import type { RunRecord } from './profile';
import type { EmulatorRequest } from './support';

export interface DesignResult {
  design: Design;
  onboardings: number;
  elapsedSeconds: number;
  /** Each onboarding, start to decision. */
  runs: RunRecord[];
  /** The calls ComplyCube (the emulator) received while they ran. */
  requests: EmulatorRequest[];
  /** The slower check's own latency, which no design can beat. */
  floorMs: number;
  complyCubeCalls: number;
  rateLimited: number;
}

/** The value below which a share `q` of `values` lies (nearest rank). */
export const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

export function figures(r: DesignResult) {
  const totals = r.runs.map((run) => run.endedAt - run.startedAt);
  const overheads = totals.map((t) => t - r.floorMs);
  return {
    throughput: r.onboardings / r.elapsedSeconds,
    medianTotal: quantile(totals, 0.5),
    p99Total: quantile(totals, 0.99),
    medianOverhead: quantile(overheads, 0.5),
    p99Overhead: quantile(overheads, 0.99),
    callsPerOnboarding: r.complyCubeCalls / r.onboardings,
  };
}

const pad = (text: string, width: number) => text.padEnd(width);
const ms = (value: number) => `${Math.round(value)} ms`;

export function printReport(results: DesignResult[], header: string): void {
  const rows = results.map((r) => ({ r, f: figures(r) }));
  console.log(`\n${header}\n`);
  console.log(
    [
      pad('design', 8),
      pad('onboardings/s', 14),
      pad('to decision median / p99', 26),
      pad('overhead median / p99', 23),
      pad('calls', 6),
      '429s',
    ].join(' '),
  );
  for (const { r, f } of rows) {
    console.log(
      [
        pad(r.design, 8),
        pad(f.throughput.toFixed(2), 14),
        pad(`${ms(f.medianTotal)} / ${ms(f.p99Total)}`, 26),
        pad(`${ms(f.medianOverhead)} / ${ms(f.p99Overhead)}`, 23),
        pad(f.callsPerOnboarding.toFixed(2), 6),
        String(r.rateLimited),
      ].join(' '),
    );
  }
  const product = rows.find((row) => row.r.design === 'product')?.f;
  if (!product) return;
  console.log('');
  for (const { r, f } of rows) {
    if (r.design === 'product') continue;
    console.log(
      `product vs ${r.design}: throughput ${(product.throughput / f.throughput).toFixed(2)}×, ` +
        `overhead median ${(product.medianOverhead / f.medianOverhead).toFixed(2)}×, ` +
        `p99 ${(product.p99Overhead / f.p99Overhead).toFixed(2)}×, ` +
        `time to decision median ${(product.medianTotal / f.medianTotal).toFixed(2)}×`,
    );
  }
}
