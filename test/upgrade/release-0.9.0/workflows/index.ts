// The worker registers every function exported here as a workflow type.
export { onboardingWorkflow } from './onboarding-workflow';
export { ledgerCheckpointWorkflow } from './ledger-checkpoint-workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery-workflow';
