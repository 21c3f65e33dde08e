/**
 * The ledger's scheduled work, as an activity: sign the chain's head into a checkpoint
 * (docs/ledger.md), on the Temporal Schedule the worker keeps (`worker/ledger-schedule.ts`) or
 * on demand (`npm run ledger -- checkpoint`). The key never leaves this process; the result is
 * the checkpoint's seq, hash and file name.
 */
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import type { DecisionStore } from '../store/decision-store';
import { writeCheckpoint } from '../store/ledger-checkpoints';
import { parseSigningKey } from '../store/ledger-signing-key';

export interface LedgerCheckpointResult {
  /** 0 when the ledger is still empty: nothing to sign. */
  seq: number;
  hash?: string;
  file?: string;
}

export interface LedgerActivityDeps {
  store: Pick<DecisionStore, 'ledgerHead'>;
  signingKey: string | undefined;
  checkpointDir: string;
}

export function createLedgerActivities({ store, signingKey, checkpointDir }: LedgerActivityDeps) {
  return {
    async signLedgerCheckpoint(): Promise<LedgerCheckpointResult> {
      if (!signingKey) {
        throw ApplicationFailure.nonRetryable(
          'This worker has no LEDGER_SIGNING_KEY, so it cannot sign a ledger checkpoint',
          'LedgerSigningKeyMissing',
        );
      }
      const head = await store.ledgerHead();
      if (!head) return { seq: 0 };
      const file = writeCheckpoint(checkpointDir, head, parseSigningKey(signingKey));
      return { seq: head.seq, hash: head.hash, file: path.basename(file) };
    },
  };
}

export type LedgerActivities = ReturnType<typeof createLedgerActivities>;
