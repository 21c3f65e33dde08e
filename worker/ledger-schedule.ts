/**
 * The Temporal Schedule that signs the ledger's head every LEDGER_CHECKPOINT_EVERY (default 1h;
 * `off` for none): `kyc-ledger-checkpoint`, starting `ledgerCheckpointWorkflow` on the worker's
 * task queue, one at a time (a run still going when the next is due is skipped). Every worker
 * holding LEDGER_SIGNING_KEY makes sure it exists at start; the first creates it, the rest find
 * it. Operators see, pause and trigger it in the Temporal UI (Schedules) or the CLI.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const LEDGER_SCHEDULE_ID = 'kyc-ledger-checkpoint';

export async function ensureLedgerSchedule(
  client: Client,
  { taskQueue, every }: { taskQueue: string; every: string },
): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: LEDGER_SCHEDULE_ID,
      spec: { intervals: [{ every: every as `${number}h` }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'ledgerCheckpointWorkflow',
        workflowId: 'kyc-ledger-checkpoint',
        taskQueue,
        args: [],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
      memo: { about: 'Signs the ledger head into LEDGER_CHECKPOINT_DIR (docs/ledger.md)' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'exists';
    throw error;
  }
}
