/**
 * Signed checkpoints of the ledger: now and then the head's seq and hash, signed with Ed25519 and
 * written as a file `<seq>-<time>.json` to `LEDGER_CHECKPOINT_DIR`, which belongs on storage the
 * database's owner cannot rewrite (object storage with a retention lock: `docs/ledger.md`).
 *
 * A chain rewritten from scratch, or cut short, still verifies on its own; a checkpoint does not:
 * the chain must be at least as long as every checkpoint and hold the same hash at its seq.
 */
import { createPublicKey, sign, verify } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from './canonical-json';
import type { LedgerEntry } from './ledger-hash';
import type { SigningKey } from './ledger-signing-key';

/** A checkpoint file's content. `signature`: base64 Ed25519 over the canonical JSON of {seq, hash, at, keyId}. */
export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  /** Base64 SPKI DER. */
  publicKey: string;
  signature: string;
}

export type CheckpointProblem = 'unreadable' | 'bad_signature' | 'wrong_key' | 'truncated' | 'rewritten';

export interface CheckpointFinding {
  file: string;
  problem: CheckpointProblem;
  /** The first seq the finding shows broken. */
  seq: number;
  detail: string;
}

const signedPart = (c: Pick<Checkpoint, 'seq' | 'hash' | 'at' | 'keyId'>) =>
  Buffer.from(canonicalJson({ seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId }), 'utf8');

/** Signs the head and writes it to `dir` (never over an existing file); returns the file's path. */
export function writeCheckpoint(
  dir: string,
  head: Pick<LedgerEntry, 'seq' | 'hash'>,
  key: SigningKey,
  now = new Date(),
) {
  const at = now.toISOString();
  const unsigned = { seq: head.seq, hash: head.hash, at, keyId: key.keyId };
  const checkpoint: Checkpoint = {
    ...unsigned,
    publicKey: key.publicKey,
    signature: sign(null, signedPart(unsigned), key.privateKey).toString('base64'),
  };
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${String(head.seq).padStart(12, '0')}-${at.replace(/[:.]/g, '')}.json`);
  writeFileSync(file, `${JSON.stringify(checkpoint, null, 2)}\n`, { flag: 'wx' });
  return file;
}

/** The checkpoint files in `dir`, oldest seq first; none when the directory does not exist. */
export function checkpointFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => path.join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Whether the checkpoint's signature is good; `trusted` pins the public key for its key ID. */
function signatureProblem(c: Checkpoint, trusted: Map<string, string>): CheckpointProblem | undefined {
  const pinned = trusted.get(c.keyId);
  if (pinned !== undefined && pinned !== c.publicKey) return 'wrong_key';
  try {
    const publicKey = createPublicKey({ key: Buffer.from(c.publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, signedPart(c), publicKey, Buffer.from(c.signature, 'base64')) ? undefined : 'bad_signature';
  } catch {
    return 'bad_signature';
  }
}

/**
 * Checks every checkpoint in `dir` against the chain: its signature, and the chain's entry at its
 * seq (`entryAt`) given a verified chain `headSeq` long. Returns the findings, the earliest seq first.
 */
export async function verifyCheckpoints(
  dir: string,
  chain: { headSeq: number; entryAt: (seq: number) => Promise<Pick<LedgerEntry, 'hash'> | undefined> },
  trusted: Map<string, string> = new Map(),
): Promise<{ checked: number; findings: CheckpointFinding[] }> {
  const findings: CheckpointFinding[] = [];
  const files = checkpointFiles(dir);
  for (const file of files) {
    let c: Checkpoint;
    try {
      c = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
      if (!Number.isSafeInteger(c.seq) || typeof c.hash !== 'string') throw new Error('no seq and hash');
    } catch (error) {
      findings.push({ file, problem: 'unreadable', seq: 0, detail: (error as Error).message });
      continue;
    }
    const bad = signatureProblem(c, trusted);
    if (bad) {
      findings.push({ file, problem: bad, seq: c.seq, detail: `the signature of key ${c.keyId} does not verify` });
    } else if (c.seq > chain.headSeq) {
      const seq = chain.headSeq + 1;
      findings.push({
        file,
        problem: 'truncated',
        seq,
        detail: `signed at seq ${c.seq}; the chain ends at ${seq - 1}`,
      });
    } else if ((await chain.entryAt(c.seq))?.hash !== c.hash) {
      findings.push({ file, problem: 'rewritten', seq: c.seq, detail: `entry ${c.seq} is not the one signed` });
    }
  }
  findings.sort((a, b) => a.seq - b.seq);
  return { checked: files.length, findings };
}
