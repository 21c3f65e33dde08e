/**
 * How a run tells the onboarding backend what happened: each event is handed to the `publishEvent`
 * activity, which writes it to the store's outbox and starts one delivery per subscribed endpoint
 * (`activities/webhook-activities.ts`). Events leave one after another, in the run's order, and
 * survive a cancellation of the run: a withdrawal is itself an event. Workflow code: no Node.
 */
import {
  CancellationScope,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/webhook-activities';
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

/**
 * Since 0.10.0 the events on the way to a decision (a check completed, the decision) are written by
 * a local activity, inside the workflow task that produced them, rather than by an activity of
 * their own, each with one more workflow task after it: a clear onboarding ends two round trips
 * sooner. Writing an event is idempotent (its ID is fixed by the run and its sequence), so running
 * one again when its workflow task fails costs nothing. Events that come with new commands (the
 * start, a review opening) stay activities: a local activity would hold those commands back.
 */
export const EVENTS_AS_LOCAL_ACTIVITIES = 'events-as-local-activities';

/**
 * Since 0.12.0 the decision, the last check's `check.completed` and `onboarding.decided` are written
 * in one transaction, by one activity (`recordDecisionWithEvents`): the outbox and the decision
 * record commit together, and a clear onboarding's last workflow task runs one local activity
 * instead of three. The last check's event is held (`hold`) until the decision's write takes it,
 * or until the next event is emitted when no decision follows (a review opens).
 */
export const DECISION_WITH_ITS_EVENTS = 'decision-with-its-events';

export interface EventEmitter {
  /** `local`: an event on the way to the decision (see `EVENTS_AS_LOCAL_ACTIVITIES`). */
  emit(type: OutboundEventType, data?: OutboundEvent['data'], options?: { local?: boolean }): void;
  /**
   * An event on the way to the decision, kept for the decision's write (`DECISION_WITH_ITS_EVENTS`),
   * or emitted before the next event; in runs from before 0.12.0, emitted now as `local`.
   */
  hold(type: OutboundEventType, data?: OutboundEvent['data']): void;
  /** The held events, in order, and an event made now, for the decision's write to carry. */
  takeWith(type: OutboundEventType, data?: OutboundEvent['data']): OutboundEvent[];
  /** Every event emitted so far is in the outbox (held events are not emitted). */
  settled(): Promise<void>;
}

/** The outbox is the store: writing to it retries until written, however long the store is away. */
const PUBLISH: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
};

export function eventEmitter(state: OnboardingState): EventEmitter {
  const { publishEvent } = proxyActivities<WebhookActivities>(PUBLISH);
  const { publishEvent: publishEventLocally } = proxyLocalActivities<WebhookActivities>(PUBLISH);
  let published: Promise<void> = Promise.resolve();
  let held: OutboundEvent[] = [];

  const made = (type: OutboundEventType, data: OutboundEvent['data']): OutboundEvent => {
    const sequence = (state.eventSequence ?? 0) + 1;
    state.eventSequence = sequence;
    return {
      id: outboundEventId(state.runId, sequence),
      type,
      onboardingId: state.onboardingId,
      workflowId: state.workflowId,
      runId: state.runId,
      sequence,
      occurredAt: new Date().toISOString(),
      data,
    };
  };

  const send = (event: OutboundEvent, local: boolean) => {
    published = published.then(() =>
      CancellationScope.nonCancellable(() =>
        local
          ? publishEventLocally(event)
          : publishEvent.executeWithOptions({ ...PUBLISH, summary: `event ${event.type}` }, [event]),
      ).then(
        () => undefined,
        // Never while the store retries; a run must not fail for an event, nor skip the next ones.
        (error: unknown) =>
          log.warn('An event could not be published', {
            type: event.type,
            sequence: event.sequence,
            error: String(error),
          }),
      ),
    );
  };

  /** Held events go out before any later one, as local activities, in order. */
  const release = () => {
    for (const event of held) send(event, true);
    held = [];
  };

  const emitter: EventEmitter = {
    emit(type, data = {}, options = {}) {
      if (!patched(OUTBOUND_EVENTS)) return;
      release();
      send(made(type, data), options.local === true && patched(EVENTS_AS_LOCAL_ACTIVITIES));
    },
    hold(type, data = {}) {
      if (!patched(OUTBOUND_EVENTS)) return;
      if (!patched(DECISION_WITH_ITS_EVENTS)) return emitter.emit(type, data, { local: true });
      held.push(made(type, data));
    },
    takeWith(type, data = {}) {
      const taken = [...held, made(type, data)];
      held = [];
      return taken;
    },
    settled: () => published,
  };
  return emitter;
}
