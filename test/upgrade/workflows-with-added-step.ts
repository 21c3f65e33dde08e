/**
 * The workflow code of a next release, as the upgrade test deploys it: today's onboarding workflow
 * with one step added before the checks (an applicant screening activity), guarded by `patched()`
 * as docs/versioning.md requires. Runs the current build started replay without the step when this
 * build picks them up; runs this build starts take it. Bundled as its own build by the test.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import { onboardingWorkflow as currentOnboardingWorkflow } from '../../workflows/onboarding-workflow';
import type { OnboardingDecision } from '../../workflows/onboarding-contract';

export const ADDED_STEP_PATCH = 'screen-applicant-before-checks';

/** The activity the added step calls; the test registers it on the new build's worker. */
export interface ScreeningActivities {
  screenApplicant(clientId: string): Promise<void>;
}

const { screenApplicant } = proxyActivities<ScreeningActivities>({ startToCloseTimeout: '10s' });

export async function onboardingWorkflow(rawInput: unknown): Promise<OnboardingDecision> {
  if (patched(ADDED_STEP_PATCH)) {
    const clientId = (rawInput as { clientId?: unknown } | undefined)?.clientId;
    await screenApplicant(typeof clientId === 'string' ? clientId : '');
  }
  return currentOnboardingWorkflow(rawInput);
}
