/**
 * The review desk's claim handlers: a reviewer takes a case or lets it go (each verified as the
 * API's signed assertion since 0.5.0), and operators write the case to the queue again.
 * Workflow code: no Node.
 */
import { setHandler } from '@temporalio/workflow';
import {
  assignCaseUpdate,
  assignRequestSchema,
  claimCaseUpdate,
  claimRequestSchema,
  HANDLER_DESCRIPTIONS,
  parseDuration,
  releaseCaseUpdate,
  syncReviewCaseUpdate,
  type ClaimRequest,
  type OnboardingState,
} from './onboarding-contract';
import { orThrow, type DeskCore } from './review-handlers';
import {
  assignmentChange,
  assignmentRefusal,
  claimChange,
  claimRefusal,
  releaseRefusal,
  syncRefusal,
  weighAssignment,
  weighClaim,
  weighRelease,
} from './review-rules';
import { refused, verifiedRoles } from './review-verification';

/**
 * Whether a claim or release was verified: its assertion holds and, the case having perhaps moved
 * on meanwhile, the rule still lets it through. Claims recorded before 0.5.0 carry no assertion.
 */
async function verified(desk: DeskCore, request: ClaimRequest, action: 'claim' | 'release'): Promise<boolean> {
  if (request.assertion === undefined) return false;
  const { reviewer, channel, assertion } = request;
  const noop = () => undefined;
  await verifiedRoles({ workflowId: desk.state.workflowId, action, reviewer, channel, assertion }, noop);
  const view = desk.view();
  const refusal =
    action === 'claim' ? claimRefusal(view, reviewer, Date.now()) : releaseRefusal(view, reviewer, Date.now());
  if (refusal) throw refused(refusal, noop);
  return true;
}

/** Claims, releases, and writing the case to the queue again. */
export function handleClaims(desk: DeskCore): void {
  setHandler(
    claimCaseUpdate,
    async (raw): Promise<OnboardingState> => {
      const request = claimRequestSchema.parse(raw);
      const isVerified = await verified(desk, request, 'claim');
      const lease = parseDuration(desk.policy.claimLease);
      const { claim, renewed } = claimChange(desk.view(), request, lease, Date.now(), isVerified);
      desk.state.claim = claim;
      desk.step('claimed', `${request.reviewer} (${request.channel})${renewed ? ', renewed' : ''}`);
      if (desk.tracking()) {
        const { reviewer: actor, channel } = request;
        await Promise.all([
          desk.writes.audit({ kind: 'claim', actor, channel, authenticated: true }),
          desk.writes.syncQueue(),
        ]);
      }
      return desk.state;
    },
    {
      validator: (raw) => orThrow(weighClaim(desk.view(), raw, Date.now())),
      description: HANDLER_DESCRIPTIONS.claimCase,
    },
  );

  setHandler(
    releaseCaseUpdate,
    async (raw): Promise<OnboardingState> => {
      const request = claimRequestSchema.parse(raw);
      await verified(desk, request, 'release');
      const { reviewer, channel } = request;
      delete desk.state.claim;
      desk.step('released', `${reviewer} (${channel})`);
      if (desk.tracking()) {
        await Promise.all([
          desk.writes.audit({ kind: 'release', actor: reviewer, channel, authenticated: true }),
          desk.writes.syncQueue(),
        ]);
      }
      return desk.state;
    },
    {
      validator: (raw) => orThrow(weighRelease(desk.view(), raw, Date.now())),
      description: HANDLER_DESCRIPTIONS.releaseCase,
    },
  );

  setHandler(
    assignCaseUpdate,
    async (raw): Promise<OnboardingState> => {
      const { assignee, assignedBy, channel, assertion } = assignRequestSchema.parse(raw);
      const noop = () => undefined;
      // The assertion vouches for the senior and binds the assignee (as the message's reason).
      const roles = await verifiedRoles(
        {
          workflowId: desk.state.workflowId,
          action: 'assign',
          reviewer: assignedBy,
          channel,
          assertion,
          reason: assignee,
        },
        noop,
      );
      if (!roles.includes('senior_reviewer')) throw refused('senior_reviewer_required', noop);
      const refusal = assignmentRefusal(desk.view(), assignee);
      if (refusal) throw refused(refusal, noop);
      const now = Date.now();
      const until = desk.state.reviewExpiresAt ? Date.parse(desk.state.reviewExpiresAt) : now;
      desk.state.claim = assignmentChange({ assignee, assignedBy, channel }, until, now);
      desk.step('claimed', `${assignee}, assigned by ${assignedBy} (${channel})`);
      await Promise.all([
        desk.writes.audit({ kind: 'assignment', actor: assignedBy, channel, authenticated: true, assignee }),
        desk.writes.syncQueue(),
      ]);
      return desk.state;
    },
    {
      validator: (raw) => orThrow(weighAssignment(desk.view(), raw)),
      description: HANDLER_DESCRIPTIONS.assignCase,
    },
  );

  setHandler(
    syncReviewCaseUpdate,
    async () => {
      await desk.writes.syncQueue();
      return desk.state;
    },
    {
      validator: () => {
        const refusal = syncRefusal(desk.view());
        if (refusal) throw new Error(refusal);
      },
      description: HANDLER_DESCRIPTIONS.syncReviewCase,
    },
  );
}
