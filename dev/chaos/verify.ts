/** The chaos run's verdict, from outside: the decision store, the emulator and Temporal. */
import { Client, Connection } from '@temporalio/client';
import type { Client as PgClient } from 'pg';
import { CHAOS_EMULATOR_KEY, CHAOS_SERVICE_TOKEN, type Cluster } from './cluster';
import { expectedReview, type Applicant } from './workload';

/** Checks the outcome from outside: the store, the emulator, and Temporal for what is missing. */
export async function verify(cluster: Cluster, store: PgClient, applicants: Applicant[]) {
  const { rows } = await store.query<{
    onboarding_id: string;
    decision: string;
    decided_by_kind: string;
    reason: string;
  }>('SELECT onboarding_id, decision, decided_by_kind, reason FROM onboarding_decisions');
  const decisions = new Map<string, typeof rows>();
  for (const row of rows) decisions.set(row.onboarding_id, [...(decisions.get(row.onboarding_id) ?? []), row]);

  const result = {
    lost: [] as string[],
    stuck: [] as string[],
    checksTwice: [] as string[],
    checksNever: [] as string[],
    decidedTwice: [] as string[],
    wrong: [] as string[],
  };
  for (const applicant of applicants) {
    const id = applicant.clientId;
    const made = decisions.get(id) ?? [];
    if (made.length > 1) result.decidedTwice.push(id);
    if (made.length === 0) {
      // Undecided: still running is stuck; unknown to Temporal is lost.
      const response = await fetch(`${cluster.apiUrls[0]}/v1/onboardings/${id}`, {
        headers: { Authorization: `Bearer ${CHAOS_SERVICE_TOKEN}` },
      });
      if (response.status === 404) {
        result.lost.push(id);
      } else {
        // Where it stands, to say why: its status and each check's.
        const state = (await response.json().catch(() => ({}))) as {
          status?: string;
          checks?: { type: string; status: string }[];
        };
        const checks = (state.checks ?? []).map((c) => `${c.type}=${c.status}`).join(' ');
        result.stuck.push(
          `${id} (${applicant.kind}, ${response.status} ${state.status ?? ''} ${checks}; ${await pending(cluster, id)})`,
        );
      }
    } else {
      const decision = made[0]!;
      const expected =
        applicant.kind === 'clear'
          ? { decision: 'approved', decided_by_kind: 'automatic' }
          : {
              decision: expectedReview(applicant) === 'approve' ? 'approved' : 'rejected',
              decided_by_kind: 'reviewer',
            };
      if (decision.decision !== expected.decision || decision.decided_by_kind !== expected.decided_by_kind) {
        result.wrong.push(`${id} (${applicant.kind}: ${decision.decision} by ${decision.decided_by_kind})`);
      }
    }
    const listing = await fetch(`${cluster.emulatorUrl}/checks?clientId=${id}`, {
      headers: { Authorization: CHAOS_EMULATOR_KEY },
    });
    const { items } = (await listing.json()) as { items: { type: string }[] };
    for (const type of ['identity_fraud_check', 'enhanced_identity_check']) {
      const n = items.filter((check) => check.type === type).length;
      if (n > 1) result.checksTwice.push(`${id} ${type} ×${n}`);
      if (n === 0) result.checksNever.push(`${id} ${type}`);
    }
  }
  return result;
}

/** What Temporal says a stuck run waits for: its pending activities and workflow task. */
async function pending(cluster: Cluster, onboardingId: string): Promise<string> {
  const connection = await Connection.connect({ address: cluster.temporalAddress });
  try {
    const client = new Client({ connection });
    const { raw } = await client.workflow.getHandle(`onboarding-${onboardingId}`).describe();
    const activities = (raw.pendingActivities ?? []).map(
      (a) =>
        `${a.activityType?.name} state ${a.state} attempt ${a.attempt}` +
        (a.lastFailure?.message ? ` (${a.lastFailure.message.slice(0, 120)})` : ''),
    );
    const task = raw.pendingWorkflowTask
      ? `workflow task ${raw.pendingWorkflowTask.state} attempt ${raw.pendingWorkflowTask.attempt}`
      : 'no workflow task';
    const version = raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? 'unversioned';
    return [...activities, task, `on ${version}`].join('; ');
  } catch (error) {
    return `describe failed: ${(error as Error).message}`;
  } finally {
    await connection.close();
  }
}
