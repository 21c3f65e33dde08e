/**
 * The run's side of a resubmission (since 0.8.0): after a reviewer's request, it waits durably, up
 * to the policy's deadline, for the onboarding backend's answer (the `submitResubmission` Update),
 * then hands the new objects to the checks they feed. Workflow code: deterministic, no Node.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import { describeZodError } from '../complycube/primitives';
import {
  answerMismatch,
  HANDLER_DESCRIPTIONS,
  resubmissionSchema,
  submitResubmissionUpdate,
  type OnboardingRequest,
  type OnboardingState,
  type Resubmission,
  type ResubmissionRequest,
} from './onboarding-contract';
import type { CheckType } from '../complycube/primitives';

/** Marks the runs that took a resubmission: the path exists only from 0.8.0 on. */
export const RESUBMISSION_REQUESTS = 'resubmission-requests';

/** Why an answer is refused, as the validator throws it, or undefined when it fits the request. */
export function resubmissionRefusal(
  state: Pick<OnboardingState, 'status' | 'resubmission'>,
  raw: unknown,
  answered: boolean,
): string | undefined {
  const parsed = resubmissionSchema.safeParse(raw);
  if (!parsed.success) return `invalid_payload: ${describeZodError(parsed.error)}`;
  if (state.status !== 'awaiting_resubmission' || !state.resubmission || answered) return 'resubmission_not_requested';
  const mismatch = answerMismatch(state.resubmission, parsed.data);
  return mismatch ? `resubmission_mismatch: ${mismatch}` : undefined;
}

export interface ResubmissionInbox {
  /** Waits for the answer to `request` until its deadline; undefined when none came. */
  awaitAnswer(request: ResubmissionRequest): Promise<Resubmission | undefined>;
}

/** Takes the backend's answers; `onAnswer` runs in the handler, so the answer's state is what it returns. */
export function handleResubmissions(
  state: OnboardingState,
  onAnswer: (answer: Resubmission) => void,
): ResubmissionInbox {
  let answer: Resubmission | undefined;
  setHandler(
    submitResubmissionUpdate,
    (raw) => {
      patched(RESUBMISSION_REQUESTS);
      answer = resubmissionSchema.parse(raw);
      onAnswer(answer);
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
