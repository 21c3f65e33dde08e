/**
 * The desk's tools on the audit trail (docs/reviewer-view.md): internal notes and assignments as
 * review actions of their own, the reason codes a decision gives beside its free text, and who
 * looked at an applicant (`applicant_viewed`, never what they saw).
 */
export const DESK_TOOLS_MIGRATION = `ALTER TABLE review_actions DROP CONSTRAINT review_actions_kind_check;
   ALTER TABLE review_actions ADD CONSTRAINT review_actions_kind_check
     CHECK (kind IN ('claim', 'release', 'first_approval', 'decision', 'resubmission_requested', 'refused',
                     'note', 'assignment')) NOT VALID;
   ALTER TABLE review_actions VALIDATE CONSTRAINT review_actions_kind_check;
   ALTER TABLE review_actions ADD COLUMN reason_codes jsonb;
   ALTER TABLE review_actions ADD COLUMN assignee text;
   ALTER TABLE onboarding_decisions ADD COLUMN reason_codes jsonb;
   ALTER TABLE security_events DROP CONSTRAINT security_events_kind_check;
   ALTER TABLE security_events ADD CONSTRAINT security_events_kind_check
     CHECK (kind IN ('sign_in', 'sign_in_failed', 'sign_in_throttled', 'sign_out', 'session_revoked',
                     'evidence_viewed', 'codec_decode', 'applicant_viewed'))`;
