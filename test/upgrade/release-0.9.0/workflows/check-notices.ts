/**
 * ComplyCube's word that a check finished (`checkCompleted`, from its webhook via the API): noted
 * for the check it names, kept for a check still being created, or counted as ignored.
 */
import { setHandler } from '@temporalio/workflow';
import { CHECK_TYPES, type Notices } from './checks';
import {
  checkCompletedSchema,
  checkCompletedSignal,
  HANDLER_DESCRIPTIONS,
  type OnboardingState,
} from './onboarding-contract';

/** Listens for completion notices for the run's checks; the checks read what it notes. */
export function listenForCheckNotices(state: OnboardingState): Notices {
  const notices: Notices = { noticed: new Set(), early: new Set() };
  setHandler(
    checkCompletedSignal,
    (raw) => {
      const notice = checkCompletedSchema.safeParse(raw);
      if (!notice.success || notice.data.status === 'pending') {
        state.ignoredNotices += 1;
        return;
      }
      const check = CHECK_TYPES.map((type) => state.checks[type]).find((c) => c.checkId === notice.data.checkId);
      if (check && check.status === 'pending') {
        notices.noticed.add(notice.data.checkId);
      } else if (!check && CHECK_TYPES.some((type) => state.checks[type].status === 'creating')) {
        notices.early.add(notice.data.checkId);
      } else {
        state.ignoredNotices += 1;
      }
    },
    { description: HANDLER_DESCRIPTIONS.checkCompleted },
  );
  return notices;
}
