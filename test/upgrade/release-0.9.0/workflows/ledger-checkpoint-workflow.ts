/**
 * A ledger checkpoint, as the Temporal Schedule `kyc-ledger-checkpoint` starts one every
 * LEDGER_CHECKPOINT_EVERY (docs/ledger.md): the activity signs the chain's head into
 * LEDGER_CHECKPOINT_DIR. Its history holds the seq and hash signed, so the Temporal UI lists
 * every checkpoint made. Workflow code: deterministic, no Node.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { LedgerActivities, LedgerCheckpointResult } from '../../../../activities/ledger-activities';

const { signLedgerCheckpoint } = proxyActivities<LedgerActivities>({
  startToCloseTimeout: '5m',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['LedgerSigningKeyMissing'] },
  summary: 'sign the ledger head into a checkpoint',
});

export async function ledgerCheckpointWorkflow(): Promise<LedgerCheckpointResult> {
  return signLedgerCheckpoint();
}
