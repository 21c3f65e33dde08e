/**
 * How a run tells the onboarding backend what happened: each event is handed to the `publishEvent`
 * activity, which writes it to the store's outbox and starts one delivery per subscribed endpoint
 * (`activities/webhook-activities.ts`). Events leave one after another, in the run's order, and
 * survive a cancellation of the run: a withdrawal is itself an event. Workflow code: no Node.
 */
import { CancellationScope, log, patched, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { WebhookActivities } from '../../../../activities/webhook-activities';
import {
  outboundEventId,
  type OnboardingState,
  type OutboundEvent,
  type OutboundEventType,
} from './onboarding-contract';

/**
 * Since 0.8.0 runs emit events. A run that passed a point before it did, replayed, emits nothing
 * there; from its first new step on, it emits as a new run does.
 */
export const OUTBOUND_EVENTS = 'outbound-events';

export interface EventEmitter {
  emit(type: OutboundEventType, data?: OutboundEvent['data']): void;
  /** Every event emitted so far is in the outbox. */
  settled(): Promise<void>;
}

/** The outbox is the store: writing to it retries until written, however long the store is away. */
const PUBLISH: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
};

export function eventEmitter(state: OnboardingState): EventEmitter {
  const { publishEvent } = proxyActivities<WebhookActivities>(PUBLISH);
  let published: Promise<void> = Promise.resolve();
  return {
    emit(type, data = {}) {
      if (!patched(OUTBOUND_EVENTS)) return;
      const sequence = (state.eventSequence ?? 0) + 1;
      state.eventSequence = sequence;
      const event: OutboundEvent = {
        id: outboundEventId(state.runId, sequence),
        type,
        onboardingId: state.onboardingId,
        workflowId: state.workflowId,
        runId: state.runId,
        sequence,
        occurredAt: new Date().toISOString(),
        data,
      };
      published = published.then(() =>
        CancellationScope.nonCancellable(() =>
          publishEvent.executeWithOptions({ ...PUBLISH, summary: `event ${type}` }, [event]),
        ).then(
          () => undefined,
          // Never while the store retries; a run must not fail for an event, nor skip the next ones.
          (error: unknown) => log.warn('An event could not be published', { type, sequence, error: String(error) }),
        ),
      );
    },
    settled: () => published,
  };
}
