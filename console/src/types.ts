/**
 * The API's shapes, as the console reads them: the types of the zod schemas the API declares its
 * answers with (api/schemas), so the console cannot drift from what the API sends. Type imports
 * only: nothing of the API is bundled into the console.
 */
import type { Role } from '../../api/roles';
import type { OnboardingStatus } from '../../workflows/onboarding-contract';
import type { AnyOnboardingView, OnboardingView, PartialOnboardingView } from '../../api/schemas/onboarding';

export type { QueueItem } from '../../api/schemas/listing';
export type { CaseClaim as Claim, Approval, CheckState, TimelineEntry } from '../../workflows/onboarding-contract';
export type { DecisionView as Decision } from '../../api/schemas/onboarding';
export type { AuditAction, AnalysisEvidence, CheckEvidence } from '../../api/schemas/review';
export type { Session } from '../../api/schemas/service';
export type { CaseRecord, LedgerEntryView as LedgerEntry } from '../../api/schemas/ledger';
export type { ApplicantView } from '../../api/schemas/applicant';

/** The roles that claim and decide; an auditor reads and decides nothing (the API enforces it too). */
export const DECIDING_ROLES: readonly Role[] = ['reviewer', 'senior_reviewer'];
export const ROLE_NAMES: Record<Role, string> = {
  reviewer: 'Reviewer',
  senior_reviewer: 'Senior reviewer',
  auditor: 'Auditor (read-only)',
  service: 'Service',
};

export type Status = OnboardingStatus;

/** The statuses of a case on the review desk, where a decision (or a resubmission request) is due. */
export const REVIEW_STATUSES: readonly Status[] = ['awaiting_review', 'escalated', 'awaiting_second_approval'];

/**
 * Any answer of `GET /v1/onboardings/:id` (the run's state, a recorded decision, or a partial view
 * while no worker holds the run), read as one shape whose parts may each be absent.
 */
export type Onboarding = AnyOnboardingView & Partial<OnboardingView> & Partial<PartialOnboardingView>;
