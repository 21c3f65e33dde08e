/**
 * Since 0.12.0 a decision and the events that go with it (the round's last `check.completed`, and
 * `onboarding.decided`) are written in one transaction by one activity: the outbox holds the
 * decision's event if and only if the store holds the decision, and a clear onboarding's last
 * workflow task runs one local activity. A review's event still follows the checks' events.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import pg from 'pg';
import { eventBody } from '../webhooks/signed-message';
import { outboundEventId, type OnboardingDecision, type OutboundEvent } from '../workflows/onboarding-contract';
import { freshDatabase, outboxEventsOf, type OwnDatabase } from './helpers/database';
import { eventually } from './helpers/eventually';
import { callUntilServed } from './helpers/http';
import { REVIEWER_TOKEN, startTestSystem, TEST_DATABASE_URL, type TestSystem } from './helpers/system';

describe('a decision written with its events', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let db: pg.Pool;

  before(async () => {
    // A database of the test's own, to read the outbox from.
    database = await freshDatabase(TEST_DATABASE_URL, 'decision_events');
    db = new pg.Pool({ connectionString: database.url, max: 1 });
    system = await startTestSystem({ databaseUrl: database.url });
  });

  after(async () => {
    await system?.close();
    await db?.end();
    await database?.drop();
  });

  const eventsOf = (workflowId: string) => outboxEventsOf(db, workflowId);

  /** The activity types of the local activities a run's history records, in order. */
  const localActivities = async (handle: WorkflowHandle) => {
    const { events } = await handle.fetchHistory();
    return (events ?? []).flatMap((event) => {
      const marker = event.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_local_activity') return [];
      const data = marker.details?.data?.payloads?.[0]?.data;
      return data ? [(JSON.parse(Buffer.from(data).toString()) as { activity_type: string }).activity_type] : [];
    });
  };

  it('writes a clear decision, its last check event and its own event in one local activity', async () => {
    const handle = await system.start(await system.seed());
    const decision = (await handle.result()) as OnboardingDecision;
    assert.equal(decision.decision, 'approved');
    assert.deepEqual(await eventsOf(handle.workflowId), [
      '1 onboarding.started',
      '2 check.completed',
      '3 check.completed',
      '4 onboarding.decided',
    ]);
    // The first check's event alone (unless both results came in one task), then the rest with the
    // decision: one local activity writes them, and no event is written after it.
    const locals = await localActivities(handle);
    assert.equal(locals.at(-1), 'recordDecisionWithEvents', locals.join());
    assert.deepEqual(
      locals.slice(0, -1).filter((type) => type !== 'publishEvent'),
      [],
      locals.join(),
    );
    assert.ok(locals.length <= 2, locals.join());
    assert.equal((await system.store.decisionsFor(decision.onboardingId)).length, 1);
  });

  it("sends the last check's event before a review's, and a reviewer's decision with its event", async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const handle = await system.start(applicant);
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    // The review's event is written by an activity scheduled as the review opens: it may come later.
    const opened = await eventually('the review event in the outbox', async () => {
      const written = await eventsOf(handle.workflowId);
      return written.length >= 4 ? written : undefined;
    });
    assert.deepEqual(opened, [
      '1 onboarding.started',
      '2 check.completed',
      '3 check.completed',
      '4 onboarding.review_required',
    ]);
    const answer = await callUntilServed(system.apiUrl, 'POST', `/v1/onboardings/${applicant.clientId}/review`, {
      token: REVIEWER_TOKEN,
      body: { decision: 'reject', reason: 'the document is a copy' },
      headers: { 'idempotency-key': `decision-events-${applicant.clientId}` },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(((await handle.result()) as OnboardingDecision).decision, 'rejected');
    assert.deepEqual((await eventsOf(handle.workflowId)).slice(4), ['5 onboarding.decided']);
    const { events } = await handle.fetchHistory();
    const scheduled = (events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    assert.ok(scheduled.includes('recordDecisionWithEvents'), 'a reviewer decision is written by a regular activity');
  });

  it('commits the decision and its events together, or neither, and once however often retried', async () => {
    const onboardingId = randomBytes(8).toString('hex');
    const runId = randomBytes(8).toString('hex');
    const decision: OnboardingDecision = {
      onboardingId,
      workflowId: `onboarding-${onboardingId}`,
      runId,
      decision: 'approved',
      decidedByKind: 'automatic',
      decidedBy: 'automatic',
      reason: 'all_checks_clear',
      reviewReasons: [],
      checks: [],
      startedAt: '2026-01-01T00:00:00.000Z',
      decidedAt: '2026-01-01T00:01:00.000Z',
    };
    const event = (sequence: number): OutboundEvent => ({
      id: outboundEventId(runId, sequence),
      type: 'onboarding.decided',
      onboardingId,
      workflowId: decision.workflowId,
      runId,
      sequence,
      occurredAt: decision.decidedAt,
      data: {},
    });
    const withBodies = (events: OutboundEvent[]) => events.map((e) => ({ event: e, body: eventBody(e) }));

    // The second event cannot be stored (its sequence is no integer): the decision is not either.
    await assert.rejects(system.store.recordDecisionWithEvents(decision, withBodies([event(1), event(1.5)])));
    assert.deepEqual(await system.store.decisionsFor(onboardingId), []);
    assert.deepEqual(await eventsOf(decision.workflowId), []);

    const first = await system.store.recordDecisionWithEvents(decision, withBodies([event(1), event(2)]));
    const again = await system.store.recordDecisionWithEvents(decision, withBodies([event(1), event(2)]));
    assert.deepEqual([first.inserted, again.inserted], [true, false]);
    assert.equal((await system.store.decisionsFor(onboardingId)).length, 1);
    assert.deepEqual(await eventsOf(decision.workflowId), ['1 onboarding.decided', '2 onboarding.decided']);
  });
});
