/**
 * The operator CLI's review-desk commands: claim, release and review through the API as the
 * reviewer whose token is in KYC_API_TOKEN (client/api-requests.ts: only the API can vouch for
 * who decided), the audit trail, and putting runs that entered review before 0.3.0 on the queue.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { reviewBodySchema } from '../api/schemas/review';
import { describeZodError } from '../complycube/schemas';
import type { Config } from '../config/config';
import { openDecisionStore } from '../store/decision-store';
import {
  onboardingIdFromWorkflowId,
  onboardingStatusSearchAttribute,
  resubmissionSchema,
  REVIEW_STATUSES,
  syncReviewCaseUpdate,
  WORKFLOW_TYPE,
} from '../workflows/onboarding-contract';
import { apiTarget, reviewRequest } from './api-requests';
import { UsageError } from './usage';

export interface ReviewCommandContext {
  client: Client;
  config: Config;
  print: (value: unknown) => void;
}

/** What a reviewer's command needs: where the API is and their token (the environment), and output. */
export interface ReviewerCommandContext {
  env: NodeJS.ProcessEnv;
  print: (value: unknown) => void;
}

/** `--reviewer` named who decided until 0.5.0; now the token does, and a typed name would mislead. */
function refuseTypedReviewer(reviewer: string | undefined, command: 'claim' | 'release' | 'review'): void {
  if (reviewer !== undefined) {
    throw new UsageError(
      '--reviewer is gone since 0.5.0: the reviewer is the owner of the token in KYC_API_TOKEN, as the API authenticates it.',
      command,
    );
  }
}

export async function claimCommand(
  context: ReviewerCommandContext,
  onboardingId: string,
  reviewer: string | undefined,
  release: boolean,
): Promise<void> {
  const command = release ? 'release' : 'claim';
  refuseTypedReviewer(reviewer, command);
  const path = `/v1/onboardings/${encodeURIComponent(onboardingId)}/claim`;
  const answer = await reviewRequest(apiTarget(context.env, command), release ? 'DELETE' : 'POST', path);
  context.print({ status: answer.status, claim: answer.claim ?? null });
}

/** `a,b` → `['a', 'b']`; undefined stays undefined. */
const list = (value: string | undefined) => value?.split(',').map((item) => item.trim());

export async function reviewCommand(
  context: ReviewerCommandContext,
  onboardingId: string,
  values: {
    decision?: string;
    reason?: string;
    reviewer?: string;
    items?: string;
    reasons?: string;
    'reason-codes'?: string;
  },
): Promise<void> {
  refuseTypedReviewer(values.reviewer, 'review');
  const asking = values.decision === 'request_resubmission';
  if (!asking && (values.items !== undefined || values.reasons !== undefined)) {
    throw new UsageError('--items and --reasons go with --decision request_resubmission only.', 'review');
  }
  if (asking && values['reason-codes'] !== undefined) {
    throw new UsageError('--reason-codes go with approve or reject; a resubmission takes --reasons.', 'review');
  }
  const review = reviewBodySchema.safeParse({
    decision: values.decision,
    reason: values.reason,
    ...(asking ? { resubmission: { items: list(values.items), reasonCodes: list(values.reasons) } } : {}),
    ...(values['reason-codes'] !== undefined ? { reasonCodes: list(values['reason-codes']) } : {}),
  });
  if (!review.success) throw new UsageError(describeZodError(review.error), 'review');
  const path = `/v1/onboardings/${encodeURIComponent(onboardingId)}/review`;
  const answer = await reviewRequest(apiTarget(context.env, 'review'), 'POST', path, review.data);
  context.print({
    status: answer.status,
    firstApproval: answer.firstApproval ?? null,
    resubmission: answer.resubmission ?? null,
    decision: answer.decision ?? null,
  });
}

/** Gives what a resubmission request asked for, through the API, with the service token in KYC_API_TOKEN. */
export async function resubmitCommand(
  context: ReviewerCommandContext,
  onboardingId: string,
  values: { 'document-id'?: string; 'live-video-id'?: string },
): Promise<void> {
  const answer = resubmissionSchema.safeParse({
    ...(values['document-id'] ? { documentId: values['document-id'] } : {}),
    ...(values['live-video-id'] ? { liveVideoId: values['live-video-id'] } : {}),
  });
  if (!answer.success) throw new UsageError(describeZodError(answer.error), 'resubmit');
  const path = `/v1/onboardings/${encodeURIComponent(onboardingId)}/resubmissions`;
  const state = await reviewRequest(apiTarget(context.env, 'resubmit'), 'POST', path, answer.data);
  context.print({ status: state.status, checks: state.checks });
}

/** A senior reviewer assigns a case to a reviewer, through the API, as the owner of KYC_API_TOKEN. */
export async function assignCommand(context: ReviewerCommandContext, onboardingId: string, to?: string): Promise<void> {
  if (!to?.trim()) throw new UsageError('assign needs --to REVIEWER.', 'assign');
  const path = `/v1/onboardings/${encodeURIComponent(onboardingId)}/assignment`;
  const state = await reviewRequest(apiTarget(context.env, 'assign'), 'POST', path, { assignee: to });
  context.print({ status: state.status, claim: state.claim ?? null });
}

/** Adds an internal note to a case's audit trail, through the API, as the owner of KYC_API_TOKEN. */
export async function noteCommand(context: ReviewerCommandContext, onboardingId: string, text?: string): Promise<void> {
  if (!text?.trim()) throw new UsageError('note needs --text TEXT.', 'note');
  const path = `/v1/onboardings/${encodeURIComponent(onboardingId)}/notes`;
  const note = await reviewRequest(apiTarget(context.env, 'note'), 'POST', path, { text });
  context.print({ id: note.id, kind: note.kind, actor: note.actor, at: note.at });
}

/** Erases a client's personal data through the API (crypto-shredding), when retention allows. */
export async function eraseCommand(context: ReviewerCommandContext, clientId: string): Promise<void> {
  const path = `/v1/clients/${encodeURIComponent(clientId)}/personal-data`;
  const answer = await reviewRequest(apiTarget(context.env, 'erase'), 'DELETE', path);
  context.print({ clientId: answer.clientId, erasedAt: answer.erasedAt, complyCube: answer.complyCube });
}

/** The audit trail of one onboarding, from the store. */
export async function auditCommand(context: ReviewCommandContext, onboardingId: string): Promise<void> {
  if (!('databaseUrl' in context.config.store)) {
    throw new UsageError(
      'audit reads the decision store: set DATABASE_URL (the embedded store of npm start is read through the API: GET /v1/onboardings/:id/audit).',
      'audit',
    );
  }
  const store = await openDecisionStore({ databaseUrl: context.config.store.databaseUrl, poolMax: 1 });
  try {
    for (const action of await store.reviewActionsFor(onboardingId)) {
      console.log(
        [
          action.at,
          action.kind,
          action.actor,
          `${action.channel}${action.authenticated ? '' : ' (name asserted)'}`,
          action.decision ?? '-',
          action.refusal ?? action.reason ?? '-',
        ].join('\t'),
      );
    }
  } finally {
    await store.close();
  }
}

/**
 * Writes every running case in review to the review queue (the `syncReviewCase` Update), for runs
 * that entered review before the queue existed. Safe to repeat: each write replaces the case's row.
 */
export async function syncReviewQueueCommand({ client }: ReviewCommandContext): Promise<void> {
  const statuses = REVIEW_STATUSES.map((status) => `'${status}'`).join(', ');
  const query = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND ${onboardingStatusSearchAttribute.name} IN (${statuses})`;
  let synced = 0;
  let skipped = 0;
  for await (const execution of client.workflow.list({ query })) {
    const id = onboardingIdFromWorkflowId(execution.workflowId) ?? execution.workflowId;
    try {
      await client.workflow.getHandle(execution.workflowId).executeUpdate(syncReviewCaseUpdate, { args: [] });
      synced += 1;
    } catch (error) {
      // Decided since the listing, or a run whose build has no such Update (not yet upgraded).
      skipped += 1;
      console.error(
        `${id}: not synced (${error instanceof WorkflowUpdateFailedError ? (error.cause?.message ?? 'refused') : String(error)})`,
      );
    }
  }
  console.log(`${synced} case(s) written to the review queue${skipped ? `, ${skipped} skipped` : ''}`);
}
