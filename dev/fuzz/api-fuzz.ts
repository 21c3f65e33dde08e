/**
 * Property-based requests to every route of the API: arbitrary methods, paths, headers, query
 * strings and bodies, near-valid onboarding and review bodies, and webhook bodies signed with the
 * real secret. The property: no 5xx, every error in the documented `{error, message}` shape. Used
 * by `test/api-fuzz.test.ts` (a few hundred cases in `npm test`) and `npm run fuzz` (any number).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { InProcessSystem } from '../../system/in-process';
import { anyRequest, signedWebhook } from './requests';

export interface FuzzOptions {
  runs: number;
  seed?: number;
}

export interface FuzzReport {
  seed: number;
  runs: number;
  /** Answers by status code. */
  statuses: Record<number, number>;
  /** The first counterexample, shrunk, if the property failed. */
  failure?: string;
  readyAfter: boolean;
}

/** What makes an answer wrong: a 5xx, or an error not in the documented shape. */
function problem(status: number, text: string, method: string): string | undefined {
  if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
  if (status >= 400 && method !== 'HEAD') {
    try {
      const body = JSON.parse(text) as { error?: unknown; message?: unknown };
      if (typeof body.error !== 'string' || typeof body.message !== 'string')
        return `error shape: ${text.slice(0, 300)}`;
    } catch {
      return `error not JSON (${status}): ${text.slice(0, 300)}`;
    }
  }
  return undefined;
}

export async function fuzzApi(system: InProcessSystem, options: FuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? randomBytes(4).readUInt32BE(0);
  const statuses: Record<number, number> = {};
  const property = fc.asyncProperty(
    fc.oneof(
      anyRequest,
      signedWebhook(() => system.webhookSecret),
    ),
    async (req) => {
      const response = await fetch(`${system.apiUrl}${req.path}`, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
      });
      const text = await response.text();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      const wrong = problem(response.status, text, req.method);
      if (wrong) throw new Error(`${req.method} ${req.path.slice(0, 200)}: ${wrong}`);
    },
  );
  const result = await fc.check(property, { numRuns: options.runs, seed, endOnFailure: true });
  const readyAfter = (await fetch(`${system.apiUrl}/readyz`)).status === 200;
  return {
    seed,
    runs: result.numRuns,
    statuses,
    ...(result.failed ? { failure: fc.defaultReportMessage(result) ?? 'failed' } : {}),
    readyAfter,
  };
}

export function describeReport(report: FuzzReport): string {
  const byStatus = Object.entries(report.statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  const fivexx = Object.entries(report.statuses)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
  return (
    `fuzz seed ${report.seed}: ${report.runs} requests, ${fivexx} 5xx; by status ${byStatus}; ` +
    `API ${report.readyAfter ? 'ready' : 'NOT ready'} afterwards` +
    (report.failure ? `\n${report.failure}` : '')
  );
}
