/**
 * The workflow's messages, by name, and what the Temporal UI says beside each.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AssignRequest,
  CheckCompleted,
  ClaimRequest,
  ResubmissionUpdate,
  ReviewDecision,
  ReviewUpdate,
} from './payloads';
import type { OnboardingState } from './state';

export const getStateQuery = defineQuery<OnboardingState>('getState');
/** A check finished (from ComplyCube's webhook, via the API). */
export const checkCompletedSignal = defineSignal<[CheckCompleted]>('checkCompleted');
/** A reviewer's decision. Works from `temporal workflow signal` and the Temporal UI. */
export const reviewDecisionSignal = defineSignal<[ReviewDecision]>('reviewDecision');
/** The same decision as an Update: its validator tells the caller at once whether it was accepted. */
export const submitReviewUpdate = defineUpdate<OnboardingState, [ReviewUpdate]>('submitReview');
/** A reviewer takes a case for the policy's claim lease (or renews it). */
export const claimCaseUpdate = defineUpdate<OnboardingState, [ClaimRequest]>('claimCase');
/** A senior reviewer assigns the case to a reviewer, who holds it until the review expires (since 0.9.0). */
export const assignCaseUpdate = defineUpdate<OnboardingState, [AssignRequest]>('assignCase');
/** The claim's holder lets the case go. */
export const releaseCaseUpdate = defineUpdate<OnboardingState, [ClaimRequest]>('releaseCase');
/** The onboarding backend's answer to a resubmission request: the new document and/or live video (since 0.8.0). */
export const submitResubmissionUpdate = defineUpdate<OnboardingState, [ResubmissionUpdate]>('submitResubmission');
/** Writes the case to the review queue again (after an upgrade, for cases that entered review before). */
export const syncReviewCaseUpdate = defineUpdate<OnboardingState, []>('syncReviewCase');

/** What the Temporal UI shows beside each message; `checkCompleted` is the API's, not a person's. */
export const HANDLER_DESCRIPTIONS = {
  getState: 'The onboarding as it stands: status, checks, review, claim, approvals, decision.',
  checkCompleted: 'Internal: ComplyCube said a check finished (sent by the API from its webhook). Not for people.',
  reviewDecision:
    'A reviewer decides: {"decision":"approve"|"reject","reviewer":"name","reason":"…"}. The name is recorded as asserted.',
  submitReview:
    'A reviewer decides (approve, reject) or asks the applicant to resubmit (request_resubmission), through the API, the console or the CLI, which vouch for the reviewer.',
  claimCase: 'A reviewer takes the case for the claim lease: {"reviewer":"name","channel":"cli"}.',
  releaseCase: 'The claim\'s holder lets the case go: {"reviewer":"name","channel":"cli"}.',
  assignCase:
    'A senior reviewer assigns the case to a reviewer, through the API, the console or the CLI, which vouch for the senior.',
  submitResubmission:
    'The applicant resubmitted what a reviewer asked for: the new documentId and/or liveVideoId. Sent by the API, which vouches for it.',
  syncReviewCase: 'Operators: writes the case to the review queue again (after an upgrade).',
} as const;
