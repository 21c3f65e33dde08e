import { z } from 'zod';
import { type CheckEventType } from '../complycube/schemas';
import { compact } from './http-errors';
import { newId, now } from './http-fields';
import { DEFAULT_ATTENTION, buildBreakdown } from './results';
import { type CheckBehaviour, type EmulatorState, type StoredCheck } from './state';
import { type WebhookEvent } from './webhook-dispatcher';

/** One check type's behaviour, as the control routes accept it. */
export const checkBehaviourSchema = z.strictObject({
  outcome: z.enum(['clear', 'attention', 'failed']).optional(),
  attention: z.array(z.string()).optional(),
  latencyMs: z.number().int().min(0).optional(),
  neverComplete: z.boolean().optional(),
});

/** How a check will end: its outcome and, for `attention`, which analyses are flagged. */
export type ResolvedBehaviour = Required<Pick<CheckBehaviour, 'outcome' | 'attention'>> & CheckBehaviour;

export const presentCheck = (check: StoredCheck) => compact({ ...check });

export function behaviourFor(state: EmulatorState, check: StoredCheck): ResolvedBehaviour {
  const client = state.clients.get(check.clientId);
  const person = client?.personDetails as Record<string, unknown> | undefined;
  const lastName = typeof person?.lastName === 'string' ? person.lastName : '';
  const configured = state.behaviours.get(check.clientId)?.[check.type] ?? {};
  // ComplyCube's documented sandbox triggers, unless a control route said otherwise.
  const triggered = lastName === 'attention' ? 'attention' : lastName === 'failed' ? 'failed' : 'clear';
  const outcome = configured.outcome ?? (configured.attention?.length ? 'attention' : triggered);
  return {
    ...configured,
    outcome,
    attention: outcome === 'attention' ? (configured.attention ?? [...DEFAULT_ATTENTION[check.type]]) : [],
  };
}

/** Completes a new check after its latency, unless its client's behaviour says it never completes. */
export function scheduleCompletion(state: EmulatorState, check: StoredCheck): void {
  const behaviour = behaviourFor(state, check);
  if (behaviour.neverComplete) return;
  const timer = setTimeout(() => {
    state.completionTimers.delete(check.id);
    completeCheck(state, check, behaviour);
  }, behaviour.latencyMs ?? state.checkLatencyMs[check.type]);
  state.completionTimers.set(check.id, timer);
}

/** Ends a pending check now, instead of when its timer would have. */
export function completeNow(state: EmulatorState, check: StoredCheck, behaviour: ResolvedBehaviour): void {
  clearTimeout(state.completionTimers.get(check.id));
  state.completionTimers.delete(check.id);
  completeCheck(state, check, behaviour);
}

function completeCheck(state: EmulatorState, check: StoredCheck, behaviour: ResolvedBehaviour): void {
  if (check.status !== 'pending') return;
  check.updatedAt = now();
  if (behaviour.outcome === 'failed') {
    check.status = 'failed';
    emitCheckEvent(state, check, 'check.failed');
    return;
  }
  check.status = 'complete';
  check.result = { outcome: behaviour.outcome, breakdown: buildBreakdown(check.type, behaviour.attention) };
  emitCheckEvent(state, check, 'check.completed');
  emitCheckEvent(state, check, `check.completed.${behaviour.outcome}`);
}

/** Sends a check event, with the payload ComplyCube's check events carry, to every subscribed webhook. */
export function emitCheckEvent(state: EmulatorState, check: StoredCheck, type: CheckEventType): void {
  const event: WebhookEvent = {
    id: newId(),
    type,
    resourceType: 'check',
    payload: compact({
      id: check.id,
      status: check.status,
      outcome: check.result?.outcome,
      createdAt: check.createdAt,
      updatedAt: check.updatedAt,
    }),
    createdAt: now(),
  };
  state.dispatcher.dispatch(state.webhooks.values(), event);
}
