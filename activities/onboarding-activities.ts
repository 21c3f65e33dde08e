import { activityInfo, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { attentionAnalyses } from '../complycube/attention';
import { ComplyCubeFailure, type ComplyCubeClient } from '../complycube/client';
import type { Check, CheckOutcome, CheckStatus, CheckType } from '../complycube/schemas';
import type { DecisionStore } from '../store/decision-store';
import type { CreateAttempt } from '../store/refused-creates';
import type { ReviewKeyring } from '../security/keyring';
import { verifyReviewAssertion as verifyAssertion } from '../security/review-assertions';
import {
  onboardingIdFromWorkflowId,
  type AssertedMessage,
  type AssertionVerdict,
  type OnboardingDecision,
  type ReviewAction,
  type ReviewCase,
} from '../workflows/onboarding-contract';

/** What the workflow asks for: one check of one onboarding run. */
export interface StartCheckInput {
  type: CheckType;
  clientId: string;
  addressId?: string;
  documentId?: string;
  liveVideoId?: string;
  workflowId: string;
  runId: string;
  /** This run's earlier checks of the type, which a resubmission replaced (since 0.8.0). */
  supersedes?: string[];
}

/** A check as the workflow sees it: IDs and verdicts, none of the applicant's personal data. */
export interface CheckSnapshot {
  checkId: string;
  type: CheckType;
  status: CheckStatus;
  outcome?: CheckOutcome;
  attentionAnalyses: string[];
}

export interface OnboardingActivityDependencies {
  complyCube: ComplyCubeClient;
  store: DecisionStore;
  /**
   * How far before an activity was first scheduled a check may have been created and still be
   * taken as this run's own, to allow for clock skew between ComplyCube and Temporal. Default 60 s.
   */
  clockSkewAllowanceMs?: number;
  /** The review-assertion keys (`REVIEW_ASSERTION_KEYS`); without them no assertion verifies. */
  reviewKeys?: ReviewKeyring;
}

function snapshot(check: Check): CheckSnapshot {
  return {
    checkId: check.id,
    type: check.type,
    status: check.status,
    ...(check.result ? { outcome: check.result.outcome } : {}),
    attentionAnalyses: attentionAnalyses(check),
  };
}

/**
 * ComplyCube documents no `Retry-After` on 429: without one, back off exponentially with
 * jitter, so that many workers hitting the limit together do not retry in step.
 */
async function withRateLimitBackoff<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof ApplicationFailure &&
      error.type === ComplyCubeFailure.RateLimited &&
      error.nextRetryDelay === undefined
    ) {
      const ceiling = Math.min(60_000, 1_000 * 2 ** (activityInfo().attempt - 1));
      throw ApplicationFailure.create({
        type: error.type,
        message: error.message,
        details: error.details as unknown[],
        nonRetryable: false,
        nextRetryDelay: Math.round(ceiling / 2 + Math.random() * (ceiling / 2)),
      });
    }
    throw error;
  }
}

/** The onboarding workflow's activities, built on their dependencies. */
export function createOnboardingActivities({
  complyCube,
  store,
  clockSkewAllowanceMs = 60_000,
  reviewKeys,
}: OnboardingActivityDependencies) {
  /**
   * A check this run already created: an earlier attempt may have created it and then lost the
   * response, timed out, or died with its worker. ComplyCube has no idempotency key, so look
   * for a check of this type, on these objects, created since this activity was first scheduled,
   * that no other run of the onboarding owns.
   */
  async function findCreatedByEarlierAttempt(input: StartCheckInput, onboardingId: string): Promise<Check | undefined> {
    const since = activityInfo().scheduledTimestampMs - clockSkewAllowanceMs;
    const page = await withRateLimitBackoff(() =>
      complyCube.listChecks({
        clientId: input.clientId,
        type: input.type,
        ...(input.addressId ? { addressId: input.addressId } : {}),
        ...(input.documentId ? { documentId: input.documentId } : {}),
        ...(input.liveVideoId ? { liveVideoId: input.liveVideoId } : {}),
        pageSize: 100,
      }),
    );
    const otherRuns = await store.checkIdsOfOtherRuns(onboardingId, input.runId);
    const superseded = new Set(input.supersedes ?? []);
    const candidates = page.items.filter(
      (check) => Date.parse(check.createdAt) >= since && !otherRuns.has(check.id) && !superseded.has(check.id),
    );
    // Newest first: the earliest is the one the first attempt created.
    return candidates.at(-1);
  }

  /**
   * Sends one create; a refusal that proves nothing was created (ComplyCube's 429, or the send
   * schedule's own before sending) is written down first, so the next attempt need not list.
   */
  async function create(attempt: CreateAttempt, send: () => Promise<Check>): Promise<Check> {
    try {
      return await withRateLimitBackoff(send);
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type === ComplyCubeFailure.RateLimited) {
        // Unwritten, the next attempt lists as it would have anyway.
        await store.recordRefusedCreate(attempt).catch((cause: unknown) => {
          log.warn('Could not record a refused create; the retry will list the checks', {
            error: (cause as Error).name,
          });
        });
      }
      throw error;
    }
  }

  return {
    /** Creates the check once per run, however often it is retried. */
    async startCheck(input: StartCheckInput): Promise<CheckSnapshot> {
      const onboardingId = onboardingIdFromWorkflowId(input.workflowId) ?? input.clientId;
      const { attempt, activityId } = activityInfo();
      const thisAttempt = { runId: input.runId, activityId, attempt };
      // Only an earlier attempt that may have reached ComplyCube can have made a check.
      const mayExist = attempt > 1 && !(await store.everyEarlierCreateRefused(thisAttempt));
      let check = mayExist ? await findCreatedByEarlierAttempt(input, onboardingId) : undefined;
      if (check) {
        log.info('Adopted the check an earlier attempt created', { checkId: check.id, checkType: input.type, attempt });
      } else if (input.type === 'identity_fraud_check') {
        if (!input.addressId) throw ApplicationFailure.nonRetryable('addressId is required', 'InvalidCheckInput');
        const { addressId } = input;
        check = await create(thisAttempt, () =>
          complyCube.createIdentityFraudCheck({ clientId: input.clientId, addressId }),
        );
      } else {
        if (!input.documentId || !input.liveVideoId) {
          throw ApplicationFailure.nonRetryable('documentId and liveVideoId are required', 'InvalidCheckInput');
        }
        const { documentId, liveVideoId } = input;
        check = await create(thisAttempt, () =>
          complyCube.createEnhancedIdentityCheck({ clientId: input.clientId, documentId, liveVideoId }),
        );
      }
      await store.recordCheck({
        checkId: check.id,
        checkType: input.type,
        onboardingId,
        workflowId: input.workflowId,
        runId: input.runId,
      });
      // Housekeeping only: a row left behind is never read again.
      if (attempt > 1) await store.forgetRefusedCreates(thisAttempt).catch(() => undefined);
      // ComplyCube's event for this check may have come before the check was ours (the create's
      // answer was lost): the API held it. If it says the check finished, read the check again now
      // rather than wait for a poll.
      const held = await store.takeHeldCheckEvents(check.id);
      if (check.status === 'pending' && held.some((event) => event.status !== 'pending')) {
        const checkId = check.id;
        check = await withRateLimitBackoff(() => complyCube.getCheck(checkId));
        log.info('A held webhook event said the check finished; read it again', { checkId, checkType: input.type });
      }
      return snapshot(check);
    },

    /** The check as ComplyCube has it now, with the analyses that need attention. */
    async fetchCheck(checkId: string): Promise<CheckSnapshot> {
      return snapshot(await withRateLimitBackoff(() => complyCube.getCheck(checkId)));
    },

    /**
     * Checks a review assertion against the message it came with (a local activity, run before the
     * workflow takes the message). Answers, never throws, for a bad assertion; logs no part of it.
     */
    async verifyReviewAssertion(input: { assertion: string; message: AssertedMessage }): Promise<AssertionVerdict> {
      const verdict = await verifyAssertion(reviewKeys, input.assertion, input.message);
      if (!verdict.verified) log.warn('A review assertion did not verify', { problem: verdict.problem });
      return verdict;
    },

    /** Writes a review action on the audit trail; a retry leaves the one row there is. */
    async recordReviewAction(action: ReviewAction): Promise<void> {
      await store.recordReviewAction(action);
    },

    /** Writes the case's review state to the review queue; an older version never replaces a newer. */
    async syncReviewCase(reviewCase: ReviewCase): Promise<void> {
      await store.syncReviewCase(reviewCase);
    },

    /** Writes the final decision; a retry leaves the one row there is. */
    async recordDecision(decision: OnboardingDecision): Promise<void> {
      const { inserted } = await store.recordDecision(decision);
      log.info(inserted ? 'Decision recorded' : 'Decision was already recorded', {
        decision: decision.decision,
        decidedByKind: decision.decidedByKind,
      });
    },
  };
}

export type OnboardingActivities = ReturnType<typeof createOnboardingActivities>;
