/**
 * How a run keeps its case visible: the timeline, the status (in the state and the
 * `OnboardingStatus` search attribute) and the Temporal UI's current details, which follow both.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { renderCurrentDetails } from './current-details';
import {
  onboardingStatusSearchAttribute,
  type OnboardingState,
  type OnboardingStatus,
  type TimelineEntry,
} from './onboarding-contract';

/** Timeline entries kept; past it, the oldest polls and webhooks go first. */
const TIMELINE_KEPT = 60;

export interface CaseRecord {
  /** Renders the current details again (they issue no command). */
  showDetails: () => void;
  /** A line on the case's timeline. */
  step: (kind: TimelineEntry['kind'], detail?: string) => void;
  /** A new status, also upserted to the search attribute. */
  setStatus: (status: OnboardingStatus) => void;
}

export function caseRecord(state: OnboardingState): CaseRecord {
  const showDetails = () => setCurrentDetails(renderCurrentDetails(state));
  return {
    showDetails,
    step(kind, detail) {
      const timeline = (state.timeline ??= []);
      timeline.push({ at: new Date().toISOString(), kind, ...(detail ? { detail } : {}) });
      if (timeline.length > TIMELINE_KEPT) {
        const routine = timeline.findIndex((entry) => entry.kind === 'poll' || entry.kind === 'webhook');
        timeline.splice(routine >= 0 ? routine : 1, 1);
      }
      showDetails();
    },
    setStatus(status) {
      state.status = status;
      upsertSearchAttributes([{ key: onboardingStatusSearchAttribute, value: status }]);
      showDetails();
    },
  };
}
