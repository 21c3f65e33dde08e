/**
 * Review messages sent straight to a workflow as the API sends them: each with an Update ID of
 * its own and the API's signed assertion of who sent it, signed here with the in-process
 * system's keyring (or another, to play an attacker holding the wrong key).
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { parseKeyring, type ReviewKeyring } from '../../security/keyring';
import { signReviewAssertion } from '../../security/review-assertions';
import { REVIEW_ASSERTION_KEYS } from '../../system/in-process-credentials';
import {
  assertedReviewReason,
  resubmissionText,
  type AssertedAction,
  type Resubmission,
  type ResubmissionAsk,
  type ReviewChannel,
} from '../../workflows/onboarding-contract';

export const TEST_KEYRING: ReviewKeyring = parseKeyring(REVIEW_ASSERTION_KEYS);
/** A key the workers do not hold: what someone with Temporal access but not the API's key can sign with. */
export const FORGER_KEYRING: ReviewKeyring = parseKeyring('test-1:Zm9yZ2VkLWtleS1mb3JnZWQta2V5LWZvcmdlZC1rZXktMDA');

const UPDATE_OF: Record<AssertedAction, string> = {
  decide: 'submitReview',
  claim: 'claimCase',
  release: 'releaseCase',
  resubmit: 'submitResubmission',
  assign: 'assignCase',
};

export interface ReviewMessage {
  reviewer: string;
  channel?: Exclude<ReviewChannel, 'signal'>;
  decision?: 'approve' | 'reject' | 'request_resubmission';
  reason?: string;
  resubmission?: ResubmissionAsk;
  reasonCodes?: string[];
}

export interface AssertionOptions {
  roles?: string[];
  keyring?: ReviewKeyring;
  updateId?: string;
}

/** The Update's options: its ID and the message with the assertion of it. */
export async function assertedUpdate(
  workflowId: string,
  action: AssertedAction,
  message: ReviewMessage,
  options: AssertionOptions = {},
): Promise<{ updateId: string; args: [Record<string, unknown>] }> {
  const updateId = options.updateId ?? randomUUID();
  const channel = message.channel ?? 'api';
  const { resubmission, reasonCodes, ...asserted } = message;
  const assertion = await signReviewAssertion(options.keyring ?? TEST_KEYRING, {
    ...asserted,
    ...(asserted.reason !== undefined
      ? { reason: assertedReviewReason(asserted.reason, resubmission, reasonCodes) }
      : {}),
    channel,
    workflowId,
    action,
    updateId,
    roles: options.roles ?? ['reviewer'],
  });
  return { updateId, args: [{ ...message, channel, assertion }] };
}

/** Sends a decision, claim or release as the API would for `message.reviewer`; answers the state. */
export async function sendAsserted<T = unknown>(
  handle: WorkflowHandle,
  action: AssertedAction,
  message: ReviewMessage,
  options: AssertionOptions = {},
): Promise<T> {
  return handle.executeUpdate<T, [Record<string, unknown>]>(
    UPDATE_OF[action],
    await assertedUpdate(handle.workflowId, action, message, options),
  );
}

/** The options of a resubmission's Update as the API sends it: asserted for a service token. */
export async function resubmissionArgs(
  workflowId: string,
  ids: Resubmission,
  options: AssertionOptions & { submittedBy?: string } = {},
): Promise<{ updateId: string; args: [Record<string, unknown>] }> {
  const updateId = options.updateId ?? randomUUID();
  const submittedBy = options.submittedBy ?? 'test-backend';
  const assertion = await signReviewAssertion(options.keyring ?? TEST_KEYRING, {
    reviewer: submittedBy,
    channel: 'api',
    workflowId,
    action: 'resubmit',
    updateId,
    reason: resubmissionText(ids),
    roles: options.roles ?? ['service'],
  });
  return { updateId, args: [{ ...ids, submittedBy, channel: 'api', assertion }] };
}

/** The backend's answer to a resubmission request, sent as the API sends it. */
export async function sendResubmission<T = unknown>(
  handle: WorkflowHandle,
  ids: Resubmission,
  options: AssertionOptions & { submittedBy?: string } = {},
): Promise<T> {
  return handle.executeUpdate<T, [Record<string, unknown>]>(
    'submitResubmission',
    await resubmissionArgs(handle.workflowId, ids, options),
  );
}

/** A senior's assignment as the API sends it: the assertion vouches for `assignedBy` and binds the assignee. */
export async function sendAssignment<T = unknown>(
  handle: WorkflowHandle,
  assignment: { assignee: string; assignedBy: string; boundAssignee?: string },
  options: AssertionOptions = {},
): Promise<T> {
  const updateId = options.updateId ?? randomUUID();
  const assertion = await signReviewAssertion(options.keyring ?? TEST_KEYRING, {
    reviewer: assignment.assignedBy,
    channel: 'api',
    workflowId: handle.workflowId,
    action: 'assign',
    updateId,
    reason: assignment.boundAssignee ?? assignment.assignee,
    roles: options.roles ?? ['senior_reviewer'],
  });
  const { assignee, assignedBy } = assignment;
  return handle.executeUpdate<T, [Record<string, unknown>]>('assignCase', {
    updateId,
    args: [{ assignee, assignedBy, channel: 'api', assertion }],
  });
}
