/**
 * The review desk over real HTTP, with a real dev server, worker, emulator and PostgreSQL: claims,
 * four-eyes, decisions by signal, the audit trail, the review queue, evidence, console sessions,
 * and the operator CLI's review commands.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import { onboardingWorkflowId, type OnboardingState } from '../workflows/onboarding-contract';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call, signIn } from './helpers/http';
import { runCli } from './helpers/processes';
import {
  AUDITOR_TOKEN,
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SENIOR_REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SESSION_TTL_MS = 4_000;

describe('the review desk: claims, four-eyes, signals, audit, queue, evidence, sessions, CLI', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
    call(system.apiUrl, method, path, options);

  /** Seeds an applicant, starts it through the API and waits until it is on the desk. */
  async function caseInReview(
    options: { lastName?: string; enhancedOnly?: boolean } = {},
  ): Promise<{ applicant: SeededApplicant; id: string; state: OnboardingState }> {
    const applicant = await system.seed({
      lastName: options.enhancedOnly ? 'Applicant' : (options.lastName ?? 'attention'),
    });
    if (options.enhancedOnly) {
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        enhanced_identity_check: { outcome: 'attention' },
      });
    }
    const started = await api('POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId));
    const state = await system.waitForStatus(handle, 'awaiting_review');
    await system.waitForReviewCase(applicant.clientId, 'awaiting_review');
    return { applicant, id: applicant.clientId, state };
  }

  const review = (id: string, token: string, decision: 'approve' | 'reject', reason: string) =>
    api('POST', `/v1/onboardings/${id}/review`, { token, body: { decision, reason } });
  const audit = async (id: string) =>
    (await api('GET', `/v1/onboardings/${id}/audit`, { token: SERVICE_TOKEN })).body.items as {
      kind: string;
      actor: string;
      channel: string;
      authenticated: boolean;
      refusal?: string;
      decision?: string;
    }[];

  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'review_desk');
    system = await startTestSystem({ databaseUrl: database.url, api: { sessionTtlMs: SESSION_TTL_MS } });
  });
  after(async () => {
    await system?.close();
    await database?.drop();
  });

  describe('four-eyes', () => {
    it('takes two different reviewers to approve when the identity fraud check needs attention', async () => {
      const { id, state } = await caseInReview();
      assert.equal(state.secondApprovalRequired, true);

      const first = await review(id, REVIEWER_TOKEN, 'approve', 'documents match');
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.status, 'awaiting_second_approval');
      assert.equal(first.body.firstApproval.reviewer, 'reviewer-alice');

      const again = await review(id, REVIEWER_TOKEN, 'approve', 'still fine');
      assert.equal(again.status, 409);
      assert.equal(again.body.error, 'second_approval_by_same_reviewer');

      const second = await review(id, OTHER_REVIEWER_TOKEN, 'approve', 'agree');
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.equal(second.body.status, 'approved');
      assert.deepEqual(
        second.body.decision.approvals.map((a: { reviewer: string; channel: string }) => [a.reviewer, a.channel]),
        [
          ['reviewer-alice', 'api'],
          ['reviewer-bob', 'api'],
        ],
      );
      const [recorded] = await system.store.decisionsFor(id);
      assert.equal(recorded?.decidedBy, 'reviewer-bob');
      assert.deepEqual(
        recorded?.approvals?.map((a) => a.reviewer),
        ['reviewer-alice', 'reviewer-bob'],
      );
      assert.deepEqual(
        (await audit(id)).map((a) => [a.kind, a.actor, a.refusal ?? a.decision]),
        [
          ['first_approval', 'reviewer-alice', 'approve'],
          ['refused', 'reviewer-alice', 'second_approval_by_same_reviewer'],
          ['decision', 'reviewer-bob', 'approve'],
        ],
      );
    });

    it('lets either reviewer reject, first or second', async () => {
      const { id } = await caseInReview();
      assert.equal((await review(id, REVIEWER_TOKEN, 'approve', 'looks fine')).body.status, 'awaiting_second_approval');
      const rejected = await review(id, REVIEWER_TOKEN, 'reject', 'on second thought, no');
      assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
      assert.equal(rejected.body.status, 'rejected');
      assert.equal(rejected.body.decision.decidedBy, 'reviewer-alice');
    });

    it('takes one approval when only the enhanced identity check needs attention', async () => {
      const { id, state } = await caseInReview({ enhancedOnly: true });
      assert.equal(state.checks.identity_fraud_check.outcome, 'clear');
      assert.equal(state.secondApprovalRequired, false);
      const approved = await review(id, REVIEWER_TOKEN, 'approve', 'address verified by phone');
      assert.equal(approved.body.status, 'approved');
    });
  });

  describe('claims', () => {
    it('holds a case for its claimant: others get 409 claimed_by_other with who holds it', async () => {
      const { id } = await caseInReview();
      const claimed = await api('POST', `/v1/onboardings/${id}/claim`, { token: REVIEWER_TOKEN });
      assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
      assert.equal(claimed.body.claim.reviewer, 'reviewer-alice');
      const claimedAt = claimed.body.claim.claimedAt as string;

      const bobClaims = await api('POST', `/v1/onboardings/${id}/claim`, { token: OTHER_REVIEWER_TOKEN });
      assert.equal(bobClaims.status, 409);
      assert.equal(bobClaims.body.error, 'claimed_by_other');
      assert.equal(bobClaims.body.details.claimedBy, 'reviewer-alice');
      const bobDecides = await review(id, OTHER_REVIEWER_TOKEN, 'reject', 'mine now');
      assert.equal(bobDecides.status, 409);
      assert.equal(bobDecides.body.error, 'claimed_by_other');
      const bobReleases = await api('DELETE', `/v1/onboardings/${id}/claim`, { token: OTHER_REVIEWER_TOKEN });
      assert.equal(bobReleases.status, 409);
      assert.equal(bobReleases.body.error, 'not_claimed_by_you');

      // Claiming again renews the lease: same claim, later expiry.
      await sleep(20);
      const renewed = await api('POST', `/v1/onboardings/${id}/claim`, { token: REVIEWER_TOKEN });
      assert.equal(renewed.body.claim.claimedAt, claimedAt);
      assert.ok(renewed.body.claim.expiresAt >= claimed.body.claim.expiresAt);

      const released = await api('DELETE', `/v1/onboardings/${id}/claim`, { token: REVIEWER_TOKEN });
      assert.equal(released.status, 200);
      assert.equal(released.body.claim, undefined);
      assert.equal((await review(id, OTHER_REVIEWER_TOKEN, 'reject', 'free to take')).body.status, 'rejected');

      assert.deepEqual(
        (await audit(id)).map((a) => [a.kind, a.actor, a.refusal ?? '']),
        [
          ['claim', 'reviewer-alice', ''],
          ['refused', 'reviewer-bob', 'claimed_by_other'],
          ['refused', 'reviewer-bob', 'claimed_by_other'],
          ['refused', 'reviewer-bob', 'not_claimed_by_you'],
          ['claim', 'reviewer-alice', ''],
          ['release', 'reviewer-alice', ''],
          ['decision', 'reviewer-bob', ''],
        ],
      );
    });

    it('lets a claim lapse at the end of its lease', async () => {
      const applicant = await system.seed({ lastName: 'attention' });
      const handle = await system.start(applicant, { claimLease: '2s', secondApproval: 'never' });
      await system.waitForStatus(handle, 'awaiting_review');
      const id = applicant.clientId;
      assert.equal((await api('POST', `/v1/onboardings/${id}/claim`, { token: REVIEWER_TOKEN })).status, 200);
      assert.equal((await review(id, OTHER_REVIEWER_TOKEN, 'approve', 'too early')).body.error, 'claimed_by_other');
      await sleep(2_500);
      const approved = await review(id, OTHER_REVIEWER_TOKEN, 'approve', 'lease over');
      assert.equal(approved.body.status, 'approved', JSON.stringify(approved.body));
    });
  });

  describe('decisions by signal', () => {
    it('never takes a typed name as one of two approvals, even where signals are accepted', async () => {
      // Someone with Temporal access and no reviewer's credentials tries two names of their choosing.
      const applicant = await system.seed({ lastName: 'attention' });
      const handle = await system.start(applicant, {
        secondApproval: 'identity_fraud_attention',
        signalDecisions: 'accepted',
      });
      await system.waitForStatus(handle, 'awaiting_review');
      await handle.signal('reviewDecision', { decision: 'approve', reason: 'from the UI', reviewer: 'reviewer-alice' });
      await handle.signal('reviewDecision', { decision: 'approve', reason: 'agree', reviewer: 'reviewer-bob' });
      await sleep(500);
      const state = await system.state(handle);
      assert.equal(state.status, 'awaiting_review');
      assert.equal(state.firstApproval, undefined);
      assert.deepEqual(
        state.reviews.map((r) => r.rejection),
        ['verified_approvals_required', 'verified_approvals_required'],
      );
      // Two reviewers who signed in decide it through the API.
      const id = applicant.clientId;
      assert.equal((await review(id, REVIEWER_TOKEN, 'approve', 'checked')).body.status, 'awaiting_second_approval');
      const approved = await review(id, OTHER_REVIEWER_TOKEN, 'approve', 'agree');
      assert.equal(approved.body.status, 'approved', JSON.stringify(approved.body));
      assert.equal(approved.body.decision?.verified, true);
      const trail = await audit(id);
      assert.deepEqual(
        trail.map((a) => [a.kind, a.channel, a.authenticated, a.refusal ?? '']),
        [
          ['refused', 'signal', false, 'verified_approvals_required'],
          ['refused', 'signal', false, 'verified_approvals_required'],
          ['first_approval', 'api', true, ''],
          ['decision', 'api', true, ''],
        ],
      );
    });

    it('refuses signalled decisions when the policy says every decision is authenticated', async () => {
      const applicant = await system.seed({ lastName: 'attention' });
      const handle = await system.start(applicant, { signalDecisions: 'refused' });
      await system.waitForStatus(handle, 'awaiting_review');
      await handle.signal('reviewDecision', { decision: 'approve', reason: 'trust me', reviewer: 'mallory' });
      await sleep(500);
      const state = await system.state(handle);
      assert.equal(state.status, 'awaiting_review');
      assert.equal(state.reviews.at(-1)?.rejection, 'signal_decisions_refused');
      assert.deepEqual(
        (await audit(applicant.clientId)).map((a) => [a.kind, a.actor, a.channel, a.refusal]),
        [['refused', 'mallory', 'signal', 'signal_decisions_refused']],
      );
    });
  });

  describe('the review queue', () => {
    it('lists cases oldest first with age, SLA, reasons and claim, page by page', async () => {
      const mine = [(await caseInReview()).id, (await caseInReview()).id, (await caseInReview()).id];
      await api('POST', `/v1/onboardings/${mine[1]}/claim`, { token: OTHER_REVIEWER_TOKEN });
      // Other tests' cases wait too: walk every page, two at a time, and find this test's three in order.
      const seen: any[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const page = await api(
          'GET',
          `/v1/onboardings?queue=review&pageSize=2${pageToken ? `&pageToken=${pageToken}` : ''}`,
          { token: REVIEWER_TOKEN },
        );
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.ok(page.body.items.length <= 2);
        seen.push(...page.body.items);
        pageToken = page.body.nextPageToken;
        pages += 1;
      } while (pageToken && pages < 1_000);
      const openedAts = seen.map((item) => item.openedAt as string);
      assert.deepEqual(openedAts, [...openedAts].sort(), 'oldest first');
      const ours = seen.filter((item) => mine.includes(item.onboardingId));
      assert.deepEqual(
        ours.map((item) => item.onboardingId),
        mine,
      );
      for (const item of ours) {
        assert.equal(item.status, 'awaiting_review');
        assert.ok(item.reasons.length > 0);
        assert.ok(item.ageSeconds >= 0);
        assert.ok(item.slaSecondsLeft > 0);
      }
      assert.equal(ours[1].claim.reviewer, 'reviewer-bob');
      const tampered = await api('GET', '/v1/onboardings?queue=review&pageToken=bm9wZQ', { token: REVIEWER_TOKEN });
      assert.equal(tampered.status, 400);
    });
  });

  describe('evidence', () => {
    it('is read live from ComplyCube, for reviewers only, and never cached', async () => {
      const { id } = await caseInReview();
      const evidence = await api('GET', `/v1/onboardings/${id}/evidence`, { token: REVIEWER_TOKEN });
      assert.equal(evidence.status, 200, JSON.stringify(evidence.body));
      assert.equal(evidence.headers.get('cache-control'), 'no-store');
      const types = evidence.body.checks.map((c: { type: string }) => c.type).sort();
      assert.deepEqual(types, ['enhanced_identity_check', 'identity_fraud_check']);
      for (const check of evidence.body.checks) {
        assert.equal(check.available, true);
        assert.equal(check.outcome, 'attention');
        assert.equal(check.analyses[0].attention, true, 'analyses needing attention come first');
      }

      assert.equal((await api('GET', `/v1/onboardings/${id}/evidence`, { token: SERVICE_TOKEN })).status, 403);
      assert.equal(
        (await api('GET', `/v1/onboardings/${'f'.repeat(24)}/evidence`, { token: REVIEWER_TOKEN })).status,
        404,
      );
      assert.equal((await api('GET', '/v1/onboardings/not%20an%20id/evidence', { token: REVIEWER_TOKEN })).status, 400);
      // Every view is on the record: who, through what, which case; an auditor reads the record.
      const events = await api('GET', '/v1/security-events?limit=100', { token: AUDITOR_TOKEN });
      assert.equal(events.status, 200, JSON.stringify(events.body));
      const views = (events.body.items as { kind: string; actor: string; detail: Record<string, unknown> }[]).filter(
        (event) => event.kind === 'evidence_viewed' && event.detail.onboardingId === id,
      );
      assert.deepEqual(
        views.map((event) => [event.actor, event.detail.channel]),
        [['reviewer-alice', 'api']],
      );
    });
  });

  describe('console sessions', () => {
    it('exchanges a reviewer token for an httpOnly SameSite=Strict cookie, with CSRF on every change', async () => {
      const { id } = await caseInReview({ enhancedOnly: true });
      assert.equal((await api('POST', '/v1/session', { body: { token: SERVICE_TOKEN } })).status, 401);
      assert.equal((await api('POST', '/v1/session', { body: { token: 'nope' } })).status, 401);

      const session = await signIn(system.apiUrl, REVIEWER_TOKEN);
      assert.match(session.setCookie, /HttpOnly/i);
      assert.match(session.setCookie, /SameSite=Strict/i);
      assert.match(session.setCookie, /Path=\//i);
      const rawId = session.cookie.split('=')[1]!;
      assert.equal(await system.store.findSession(rawId), undefined, 'the store keeps a hash, not the session ID');
      const hashed = createHash('sha256').update(decodeURIComponent(rawId)).digest('hex');
      assert.equal((await system.store.findSession(hashed))?.reviewer, 'reviewer-alice');

      assert.equal((await api('GET', '/v1/session', { session })).body.reviewer, 'reviewer-alice');
      assert.equal((await api('GET', `/v1/onboardings/${id}`, { session })).status, 200);
      const noCsrf = await api('POST', `/v1/onboardings/${id}/claim`, { session: { cookie: session.cookie } });
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.body.error, 'csrf_token_invalid');
      const wrongCsrf = await api('POST', `/v1/onboardings/${id}/claim`, {
        session: { cookie: session.cookie, csrfToken: 'x'.repeat(43) },
      });
      assert.equal(wrongCsrf.status, 403);

      const approved = await api('POST', `/v1/onboardings/${id}/review`, {
        session,
        body: { decision: 'approve', reason: 'console decision' },
      });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal(approved.body.decision.channel, 'console');
      assert.deepEqual(
        (await audit(id)).map((a) => [a.kind, a.channel]),
        [['decision', 'console']],
      );

      assert.equal((await api('DELETE', '/v1/session', { session })).status, 204);
      assert.equal((await api('GET', '/v1/session', { session })).status, 401);
      assert.equal((await api('GET', `/v1/onboardings/${id}`, { session })).status, 401);
    });

    it('ends a session at its expiry', async () => {
      const session = await signIn(system.apiUrl, OTHER_REVIEWER_TOKEN);
      assert.equal((await api('GET', '/v1/session', { session })).status, 200);
      await sleep(SESSION_TTL_MS + 500);
      assert.equal((await api('GET', '/v1/session', { session })).status, 401);
    });
  });

  describe('the operator CLI', () => {
    const cli = (...args: string[]) => runCli(system, args, { DATABASE_URL: database.url });
    /** The CLI as a reviewer: their token in the environment, the API where the test system has it. */
    const as = (token: string, ...args: string[]) =>
      runCli(system, args, { DATABASE_URL: database.url, KYC_API_URL: system.apiUrl, KYC_API_TOKEN: token });
    const refusedWith = (pattern: RegExp) => (error: { code: number; stderr: string }) =>
      error.code === 3 && pattern.test(error.stderr) && !/usage:/.test(error.stderr);

    it('claims, has a refused review recorded, and decides through the API as the token’s reviewer', async () => {
      const { id } = await caseInReview();
      const claimed = await as(REVIEWER_TOKEN, 'claim', id);
      assert.equal(JSON.parse(claimed.stdout).claim.reviewer, 'reviewer-alice');
      await assert.rejects(
        as(OTHER_REVIEWER_TOKEN, 'review', id, '--decision', 'approve', '--reason', 'not yours'),
        refusedWith(/claimed_by_other.*held by reviewer-alice.*recorded on the audit trail/s),
      );
      const decided = await as(REVIEWER_TOKEN, 'review', id, '--decision', 'reject', '--reason', 'forged document');
      assert.equal(JSON.parse(decided.stdout).status, 'rejected');
      assert.deepEqual(
        (await audit(id)).map((a) => [a.kind, a.actor, a.channel, a.authenticated]),
        [
          ['claim', 'reviewer-alice', 'api', true],
          ['refused', 'reviewer-bob', 'api', true],
          ['decision', 'reviewer-alice', 'api', true],
        ],
      );
      const printed = await cli('audit', id);
      assert.equal(printed.stdout.trim().split('\n').length, 3);
    });

    it('assigns as a senior, keeps a note, and decides with reason codes through the API', async () => {
      const { id } = await caseInReview();
      await assert.rejects(as(REVIEWER_TOKEN, 'assign', id, '--to', 'reviewer-bob'), refusedWith(/did not let/));
      const assigned = await as(SENIOR_REVIEWER_TOKEN, 'assign', id, '--to', 'reviewer-bob');
      assert.deepEqual(
        [JSON.parse(assigned.stdout).claim.reviewer, JSON.parse(assigned.stdout).claim.assignedBy],
        ['reviewer-bob', 'senior-carol'],
      );
      const noted = await as(OTHER_REVIEWER_TOKEN, 'note', id, '--text', 'Asked the bank to confirm');
      assert.equal(JSON.parse(noted.stdout).kind, 'note');
      await assert.rejects(
        as(OTHER_REVIEWER_TOKEN, 'review', id, '--decision', 'reject', '--reason', 'x', '--reason-codes', 'nonsense'),
        (error: { code: number; stderr: string }) => error.code === 2 && /reasonCodes/.test(error.stderr),
      );
      const decided = await as(
        OTHER_REVIEWER_TOKEN,
        'review',
        id,
        '--decision',
        'reject',
        '--reason',
        'forged document',
        '--reason-codes',
        'document_forged',
      );
      assert.deepEqual(JSON.parse(decided.stdout).decision.reasonCodes, ['document_forged']);
      // The backend's service token sees no internal note; a reviewer does.
      assert.deepEqual(
        (await audit(id)).map((a) => [a.kind, a.actor]),
        [
          ['assignment', 'senior-carol'],
          ['decision', 'reviewer-bob'],
        ],
      );
      const asReviewer = await api('GET', `/v1/onboardings/${id}/audit`, { token: REVIEWER_TOKEN });
      assert.deepEqual(
        (asReviewer.body.items as { kind: string; actor: string }[]).map((a) => [a.kind, a.actor]),
        [
          ['assignment', 'senior-carol'],
          ['note', 'reviewer-bob'],
          ['decision', 'reviewer-bob'],
        ],
      );
    });

    it('names no reviewer of its own: no token, a typed --reviewer or a service token decide nothing', async () => {
      const { id } = await caseInReview();
      await assert.rejects(
        cli('review', id, '--decision', 'approve', '--reason', 'x'),
        (error: { code: number; stderr: string }) => error.code === 2 && /KYC_API_TOKEN/.test(error.stderr),
      );
      await assert.rejects(
        as(REVIEWER_TOKEN, 'review', id, '--decision', 'approve', '--reason', 'x', '--reviewer', 'reviewer-bob'),
        (error: { code: number; stderr: string }) => error.code === 2 && /--reviewer is gone/.test(error.stderr),
      );
      await assert.rejects(as(SERVICE_TOKEN, 'claim', id), refusedWith(/did not let KYC_API_TOKEN/));
      assert.equal((await system.state(system.client.workflow.getHandle(onboardingWorkflowId(id)))).claim, undefined);
    });

    it('puts a case back on the review queue with sync-review-queue', async () => {
      const { id } = await caseInReview();
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      try {
        await db.query('DELETE FROM review_cases WHERE onboarding_id = $1', [id]);
        assert.equal(await system.store.reviewCaseFor(id), undefined);
        const synced = await cli('sync-review-queue');
        assert.match(synced.stdout, /case\(s\) written to the review queue/);
        assert.equal((await system.store.reviewCaseFor(id))?.status, 'awaiting_review');
      } finally {
        await db.end();
      }
    });
  });
});
