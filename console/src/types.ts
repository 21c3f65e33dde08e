/** The API's shapes, as far as the console reads them. */

export type Status =
  | 'checks_running'
  | 'awaiting_review'
  | 'escalated'
  | 'awaiting_second_approval'
  | 'approved'
  | 'rejected'
  | 'withdrawn';

export interface Claim {
  reviewer: string;
  channel: string;
  claimedAt: string;
  expiresAt: string;
}

export interface Approval {
  reviewer: string;
  channel: string;
  asserted: boolean;
  reason: string;
  at: string;
}

export interface QueueItem {
  onboardingId: string;
  status: Status;
  reasons: string[];
  openedAt: string;
  ageSeconds: number;
  slaDueAt: string;
  slaSecondsLeft: number;
  claim?: Claim;
  firstApprovalBy?: string;
  secondApprovalRequired: boolean;
}

export interface CheckState {
  type: string;
  checkId?: string;
  status: string;
  outcome?: string;
  attentionAnalyses: string[];
  error?: string;
}

export interface Decision {
  runId: string;
  decision: 'approved' | 'rejected' | 'withdrawn';
  decidedByKind: string;
  decidedBy: string;
  reason: string;
  reviewReasons: string[];
  decidedAt: string;
  channel?: string;
  approvals?: Approval[];
}

export interface TimelineEntry {
  at: string;
  kind: string;
  detail?: string;
}

export interface Onboarding {
  onboardingId: string;
  runId: string;
  status: Status;
  startedAt: string;
  checks: CheckState[];
  reviewReasons: string[];
  reviewOpenedAt?: string;
  reviewEscalatesAt?: string;
  reviewExpiresAt?: string;
  escalated?: boolean;
  secondApprovalRequired?: boolean;
  claim?: Claim;
  firstApproval?: Approval;
  timeline?: TimelineEntry[];
  decision?: Decision;
}

export interface AnalysisEvidence {
  name: string;
  attention: boolean;
  verdicts: { field: string; verdict: string }[];
  evidence: unknown;
}

export interface CheckEvidence {
  type: string;
  checkId?: string;
  status: string;
  outcome?: string;
  available: boolean;
  analyses?: AnalysisEvidence[];
}

export interface AuditAction {
  id: string;
  kind: string;
  actor: string;
  channel: string;
  authenticated: boolean;
  decision?: string;
  reason?: string;
  refusal?: string;
  at: string;
}

export interface Session {
  reviewer: string;
  csrfToken: string;
  expiresAt: string;
}
