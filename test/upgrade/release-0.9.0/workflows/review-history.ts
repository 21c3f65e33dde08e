/**
 * The state's history of review messages: each as it arrived (clipped), accepted or refused, with
 * only the newest refusals kept, so that a stream of bad messages cannot grow the state.
 */
import type { ReviewEntry } from './onboarding-contract';

/** Refused review messages kept in the state, newest last; older ones are only counted. */
export const REFUSED_REVIEWS_KEPT = 10;

const fieldsOf = (raw: unknown) => (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
const clipped = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : undefined);

/** A review message as the state's history keeps it: its string fields clipped, and why it was refused. */
export function reviewEntry(
  raw: unknown,
  via: ReviewEntry['via'],
  rejection: string | undefined,
  now: number,
): ReviewEntry {
  const fields = fieldsOf(raw);
  const decision = clipped(fields.decision, 20);
  const reviewer = clipped(fields.reviewer, 200);
  const reason = clipped(fields.reason, 2000);
  return {
    at: new Date(now).toISOString(),
    via,
    accepted: rejection === undefined,
    ...(decision !== undefined ? { decision } : {}),
    ...(reviewer !== undefined ? { reviewer } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(rejection ? { rejection } : {}),
  };
}

/**
 * The history with one more entry: a stream of bad messages must not grow the state without
 * limit, so past `REFUSED_REVIEWS_KEPT` refused entries the oldest refused one goes.
 */
export function withReviewEntry(reviews: readonly ReviewEntry[], entry: ReviewEntry): ReviewEntry[] {
  const next = [...reviews, entry];
  if (entry.accepted || next.filter((e) => !e.accepted).length <= REFUSED_REVIEWS_KEPT) return next;
  next.splice(
    next.findIndex((e) => !e.accepted),
    1,
  );
  return next;
}

/** Who a refused signal names, for the audit trail; `(unnamed)` when it names nobody. */
export function refusedActor(raw: unknown): string {
  const { reviewer } = fieldsOf(raw);
  return typeof reviewer === 'string' ? reviewer.slice(0, 200) : '(unnamed)';
}

/** What a refused message attempted, when it says so plainly (since 0.9.0, on its audit row). */
export function attemptedDecision(raw: unknown): 'approve' | 'reject' | undefined {
  const { decision } = fieldsOf(raw);
  return decision === 'approve' || decision === 'reject' ? decision : undefined;
}
