import { AuditTrail } from './AuditTrail';
import { EarlierDecisions, Timeline } from './CaseHistory';
import type { AuditAction, Decision, TimelineEntry } from './types';

/** The case's story: its timeline, what reviewers did, and every decision for the same client. */
export function ReviewHistory(props: {
  timeline: TimelineEntry[];
  audit?: AuditAction[];
  decisions: Decision[];
  runId: string;
}) {
  return (
    <>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <Timeline entries={props.timeline} />
      </section>

      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit trail</h2>
        <AuditTrail actions={props.audit} />
      </section>

      <section aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">Decisions for this client</h2>
        <EarlierDecisions decisions={props.decisions} currentRunId={props.runId} />
      </section>
    </>
  );
}
