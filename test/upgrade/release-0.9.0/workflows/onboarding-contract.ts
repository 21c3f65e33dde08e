/**
 * The onboarding workflow's contract: task queue, workflow ID, messages, payload schemas
 * and the types inferred from them. The API, the worker, the CLI and the tests import it;
 * it is bundled into workflow code, so it imports nothing from Node. Its parts live in
 * `contract/`, one concern each; import them from here.
 */
export * from './contract/workflow';
export * from './contract/policy';
export * from './contract/payloads';
export * from './contract/resubmission';
export * from './contract/events';
export * from './contract/review-records';
export * from './contract/state';
export * from './contract/messages';
export * from './review-refusals';
export * from './decision-reasons';
