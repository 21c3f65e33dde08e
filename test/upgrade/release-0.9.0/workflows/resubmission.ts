/**
 * The run's side of a resubmission (since 0.8.0): after a reviewer's request, it waits durably, up
 * to the policy's deadline, for the onboarding backend's answer (the `submitResubmission` Update),
 * then hands the new objects to the checks they feed. Workflow code: deterministic, no Node.
 */
import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import { describeZodError } from '../../../../complycube/primitives';
import {
  answerMismatch,
  HANDLER_DESCRIPTIONS,
  resubmissionText,
  resubmissionUpdateSchema,
  submitResubmissionUpdate,
  type OnboardingRequest,
  type OnboardingState,
  type Resubmission,
  type ResubmissionRequest,
  type ResubmissionUpdate,
} from './onboarding-contract';
import { refused, verifiedRoles } from './review-verification';
import type { CaseRecord } from './case-record';
import type { CheckType } from '../../../../complycube/primitives';

/** Marks the runs that took a resubmission: the path exists only from 0.8.0 on. */
export const RESUBMISSION_REQUESTS = 'resubmission-requests';

/** Why an answer is refused, as the validator throws it, or undefined when it fits the request. */
export function resubmissionRefusal(
  state: Pick<OnboardingState, 'status' | 'resubmission'>,
  raw: unknown,
  answered: boolean,
): string | undefined {
  const parsed = resubmissionUpdateSchema.safeParse(raw);
  if (!parsed.success) {
    const unasserted = typeof raw === 'object' && raw !== null && !('assertion' in raw);
    return unasserted ? 'assertion_required' : `invalid_payload: ${describeZodError(parsed.error)}`;
  }
  if (state.status !== 'awaiting_resubmission' || !state.resubmission || answered) return 'resubmission_not_requested';
  const mismatch = answerMismatch(state.resubmission, idsOf(parsed.data));
  return mismatch ? `resubmission_mismatch: ${mismatch}` : undefined;
}

const idsOf = ({ documentId, liveVideoId }: ResubmissionUpdate): Resubmission => ({
  ...(documentId ? { documentId } : {}),
  ...(liveVideoId ? { liveVideoId } : {}),
});

export interface ResubmissionInbox {
  /** Waits for the answer to `request` until its deadline; undefined when none came. */
  awaitAnswer(request: ResubmissionRequest): Promise<Resubmission | undefined>;
}

/**
 * Takes the backend's answers: each carries the API's assertion that a service token sent exactly
 * these IDs, which the worker checks (as a reviewer's) before the answer counts, so someone with
 * Temporal access alone cannot slip in a document. `onAnswer` runs in the handler, so the answer's
 * state is what it returns.
 */
export function handleResubmissions(
  state: OnboardingState,
  record: Pick<CaseRecord, 'setStatus' | 'step'>,
): ResubmissionInbox {
  let answer: Resubmission | undefined;
  /** The answer taken: its checks start afresh (the earlier ones kept as superseded), the wait ends. */
  const take = (ids: Resubmission) => {
    answer = ids;
    for (const type of CHECKS_FED_BY_RESUBMISSION) {
      state.supersededChecks = [...(state.supersededChecks ?? []), state.checks[type]];
      state.checks[type] = { type, status: 'creating', attentionAnalyses: [] };
    }
    delete state.resubmission;
    record.setStatus('checks_running');
    record.step(
      'resubmitted',
      [ids.documentId && 'document', ids.liveVideoId && 'live video'].filter(Boolean).join(' and '),
    );
  };
  setHandler(
    submitResubmissionUpdate,
    async (raw) => {
      patched(RESUBMISSION_REQUESTS);
      const update = resubmissionUpdateSchema.parse(raw);
      const ids = idsOf(update);
      const ignore = () => undefined;
      const roles = await verifiedRoles(
        {
          workflowId: state.workflowId,
          action: 'resubmit',
          reviewer: update.submittedBy,
          channel: update.channel,
          assertion: update.assertion,
          reason: resubmissionText(ids),
        },
        ignore,
      );
      if (!roles.includes('service')) throw refused('assertion_invalid', ignore);
      // Another answer may have been taken while this one's assertion was checked.
      const late = resubmissionRefusal(state, raw, answer !== undefined);
      if (late) throw ApplicationFailure.create({ message: late, type: late.split(':')[0], nonRetryable: true });
      take(ids);
      return state;
    },
    {
      validator: (raw) => {
        const refusal = resubmissionRefusal(state, raw, answer !== undefined);
        if (refusal) throw new Error(refusal);
      },
      description: HANDLER_DESCRIPTIONS.submitResubmission,
    },
  );
  return {
    async awaitAnswer(request) {
      const due = Date.parse(request.dueAt) - Date.now();
      await condition(() => answer !== undefined, Math.max(due, 1), { summary: 'resubmission deadline' });
      const taken = answer;
      answer = undefined;
      return taken;
    },
  };
}

/** The request with the resubmitted objects in place of the ones they replace. */
export function resubmittedRequest(request: OnboardingRequest, answer: Resubmission): OnboardingRequest {
  return {
    ...request,
    ...(answer.documentId ? { documentId: answer.documentId } : {}),
    ...(answer.liveVideoId ? { liveVideoId: answer.liveVideoId } : {}),
  };
}

/** The checks a resubmission runs again: the document and the live video both feed the enhanced identity check. */
export const CHECKS_FED_BY_RESUBMISSION: readonly CheckType[] = ['enhanced_identity_check'];
