/**
 * The workflow itself: its task queue and type, how runs move between builds, its ID per
 * onboarding, and the statuses it reports (also in the `OnboardingStatus` search attribute).
 */
import { defineSearchAttributeKey, SearchAttributeType, type VersioningBehavior } from '@temporalio/common';
import { z } from 'zod';
import { complyCubeIdSchema } from '../../../../../complycube/primitives';

export const TASK_QUEUE = 'onboarding';
export const WORKFLOW_TYPE = 'onboardingWorkflow';

/**
 * The task queue of every ComplyCube call (`startCheck`, `fetchCheck`) for onboardings on
 * `taskQueue`: its workers' dispatch rate is capped fleet-wide (`COMPLYCUBE_RATE_LIMIT`).
 */
export const complyCubeTaskQueue = (taskQueue: string) => `${taskQueue}-complycube`;

/**
 * How onboardings move between worker builds. They wait up to 30 days for a reviewer, across many
 * deploys: each run moves to the deployment's current build at its next workflow task, and every
 * change to the workflow's commands is guarded by patched() (docs/versioning.md). The worker applies
 * it: a behaviour declared with setWorkflowOptions would be refused from an unversioned worker.
 */
export const ONBOARDING_VERSIONING_BEHAVIOR: VersioningBehavior = 'AUTO_UPGRADE';
const WORKFLOW_ID_PREFIX = 'onboarding-';

/** One workflow ID per ComplyCube client: at most one onboarding of a client runs at a time. */
export function onboardingWorkflowId(clientId: string): string {
  return `${WORKFLOW_ID_PREFIX}${clientId}`;
}

/** The onboarding ID (the ComplyCube client ID) behind a workflow ID, or undefined for another workflow. */
export function onboardingIdFromWorkflowId(workflowId: string): string | undefined {
  if (!workflowId.startsWith(WORKFLOW_ID_PREFIX)) return undefined;
  const id = workflowId.slice(WORKFLOW_ID_PREFIX.length);
  return complyCubeIdSchema.safeParse(id).success ? id : undefined;
}

export const onboardingStatusSchema = z.enum([
  'checks_running',
  'awaiting_review',
  'escalated',
  'awaiting_second_approval',
  'awaiting_resubmission',
  'approved',
  'rejected',
  'expired',
  'withdrawn',
]);
/** Where an onboarding stands; kept in the `OnboardingStatus` search attribute too. */
export type OnboardingStatus = z.infer<typeof onboardingStatusSchema>;
/** `expired`: a resubmission was requested and never came before the policy's deadline (since 0.8.0). */
export const FINAL_STATUSES: readonly OnboardingStatus[] = ['approved', 'rejected', 'expired', 'withdrawn'];
/** The statuses of a case on the review desk: a reviewer's decision is due. */
export const REVIEW_STATUSES = ['awaiting_review', 'escalated', 'awaiting_second_approval'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Search attribute for filtering onboardings in the Temporal UI and the API's list. IDs and statuses only. */
export const onboardingStatusSearchAttribute = defineSearchAttributeKey(
  'OnboardingStatus',
  SearchAttributeType.KEYWORD,
);
