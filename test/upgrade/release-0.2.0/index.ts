// The workflow code of release 0.2.0 (commit ab134a9), frozen: the upgrade test runs onboardings on it
// and finishes them on the current build. Never edit; only the import paths differ from the original.
// The worker registers every function exported here as a workflow type.
export { onboardingWorkflow } from './onboarding-workflow';
