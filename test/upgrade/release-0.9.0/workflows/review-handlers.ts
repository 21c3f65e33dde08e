/**
 * The review desk's decision handlers: by signal (a name asserted) and by Update (the API's
 * signed assertion, verified by the worker before the decision counts). Each weighs its message by
 * the review rules, refuses it with the rule's code, or applies the change and writes it to the
 * trail and the queue. Claims are in `claim-handlers.ts`. Workflow code: no Node.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import {
  assertedReviewReason,
  HANDLER_DESCRIPTIONS,
  reviewDecisionSignal,
  reviewUpdateSchema,
  submitReviewUpdate,
  type OnboardingPolicy,
  type OnboardingState,
  type ReviewChannel,
  type ReviewDecision,
  type ResubmissionAsk,
  type ReviewEntry,
  type TimelineEntry,
} from './onboarding-contract';
import { attemptedDecision, refusedActor } from './review-history';
import {
  decisionRefusal,
  weighSignalDecision,
  weighUpdateDecision,
  type DeskView,
  type Identity,
  type Verdict,
} from './review-rules';
import { refused, verifiedRoles } from './review-verification';
import type { ReviewWrites } from './review-writes';

/**
 * Since 0.5.0 decisions are weighed by verified identity: an approval by signal (a name typed by
 * its sender) never counts as one of two. Runs replayed past a signal taken before keep the old rules.
 */
export const VERIFIED_REVIEWS = 'verified-review-assertions';

/** What the handlers share with the desk that sets them. */
export interface DeskCore {
  state: OnboardingState;
  policy: OnboardingPolicy;
  writes: ReviewWrites;
  /** The decided case is off the queue and a reviewer's decision is on the audit trail. */
  readonly decidedRecorded: boolean;
  step: (kind: TimelineEntry['kind'], detail?: string) => void;
  /** Whether this point writes the trail and the queue (see REVIEW_CASE_TRACKING). */
  tracking: () => boolean;
  view: () => DeskView;
  /** Keeps a review message in the state's history, counted when refused. */
  recordMessage: (raw: unknown, via: ReviewEntry['via'], rejection: string | undefined) => void;
  /** Takes an accepted decision; returns whether it ended the review (not a first of two approvals). */
  accept: (
    review: Pick<ReviewDecision, 'decision' | 'reviewer' | 'reason'> & { reasonCodes?: string[] | undefined },
    channel: ReviewChannel,
    identity?: Identity,
  ) => boolean;
  /** A reviewer asks the applicant to resubmit: the run waits for it; resolves once it is on the trail. */
  requestResubmission: (request: {
    ask: ResubmissionAsk;
    reviewer: string;
    channel: 'console' | 'api' | 'cli';
    note: string;
  }) => Promise<unknown>;
  /** The audit row and queue version of a first approval. */
  recordFirstApproval: (
    reviewer: string,
    channel: ReviewChannel,
    reason: string,
    authenticated: boolean,
    reasonCodes?: string[],
  ) => Promise<unknown>;
}

/** A refused Update never reaches the workflow: its validator throws the refusal message. */
export function orThrow<T>(verdict: Verdict<T>): void {
  if (!verdict.accepted) throw new Error(verdict.message);
}

/** A reviewer's decision, by signal (name asserted) or by Update (name authenticated). */
export function handleDecisions(desk: DeskCore): void {
  setHandler(reviewDecisionSignal, (raw) => decideBySignal(desk, raw), {
    description: HANDLER_DESCRIPTIONS.reviewDecision,
  });
  setHandler(submitReviewUpdate, (raw) => decideByUpdate(desk, raw), {
    validator: (raw) => orThrow(weighUpdateDecision(desk.view(), raw, desk.policy, Date.now())),
    description: HANDLER_DESCRIPTIONS.submitReview,
  });
}

async function decideBySignal(desk: DeskCore, raw: unknown): Promise<void> {
  const verdict = weighSignalDecision(desk.view(), raw, desk.policy, Date.now(), patched(VERIFIED_REVIEWS));
  desk.recordMessage(raw, 'signal', verdict.accepted ? undefined : verdict.message);
  if (!verdict.accepted) {
    if (desk.tracking()) {
      const attempted = attemptedDecision(raw);
      await desk.writes.audit({
        kind: 'refused',
        actor: refusedActor(raw),
        channel: 'signal',
        authenticated: false,
        ...(attempted ? { decision: attempted } : {}),
        reason: 'decision refused',
        refusal: verdict.refusal,
      });
    }
    return;
  }
  const ended = desk.accept(verdict.value, 'signal');
  if (!ended && desk.tracking()) {
    await desk.recordFirstApproval(verdict.value.reviewer, 'signal', verdict.value.reason, false);
  }
}

async function decideByUpdate(desk: DeskCore, raw: unknown): Promise<OnboardingState> {
  const { assertion, channel, resubmission, reasonCodes, ...decision } = reviewUpdateSchema.parse(raw);
  // Since 0.3.0 the answer waits for the decision's audit row too (runs before it did not write one).
  const answerAfterTrail = desk.tracking();
  let identity: Identity | undefined;
  // Updates recorded before 0.5.0 carry no assertion; their validators (not run on replay) took them.
  if (assertion !== undefined) {
    const onRefused = (code: string) => desk.recordMessage(raw, 'update', code);
    const roles = await verifiedRoles(
      {
        workflowId: desk.state.workflowId,
        action: 'decide',
        channel,
        assertion,
        ...decision,
        reason: assertedReviewReason(decision.reason, resubmission, reasonCodes),
      },
      onRefused,
    );
    identity = { verified: true, roles };
    // The case may have moved on while the assertion was checked; and the roles are known only now.
    const refusal = decisionRefusal(desk.view(), { ...decision, channel, identity }, desk.policy, Date.now());
    if (refusal) throw refused(refusal, onRefused);
  }
  desk.recordMessage(raw, 'update', undefined);
  if (decision.decision === 'request_resubmission') {
    // Only the API's Updates ask for a resubmission (validators refuse one without an assertion).
    await desk.requestResubmission({ ask: resubmission!, reviewer: decision.reviewer, channel, note: decision.reason });
    return desk.state;
  }
  if (desk.accept({ ...decision, decision: decision.decision, reasonCodes }, channel, identity)) {
    // Answer with the state once the decision is recorded, so the caller sees the outcome.
    await condition(() => desk.state.decision !== undefined && (!answerAfterTrail || desk.decidedRecorded));
    return desk.state;
  }
  if (desk.tracking()) {
    await desk.recordFirstApproval(decision.reviewer, channel, decision.reason, true, reasonCodes);
  }
  return desk.state;
}
