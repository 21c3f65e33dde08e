/**
 * What `npm start`'s dev mode sets when the environment does not: decisions by signal accepted
 * (so the Temporal UI and CLI can be tried; they are marked asserted and never count toward
 * four-eyes), and a review-assertion keyring generated once and kept in `.data/` (the API and the
 * worker of `npm start` share it), a ledger checkpoint signing key (`npm run ledger`), and the
 * payload codec's keyring; and outbound webhooks allowed to loopback receivers.
 * Production sets these itself (docs/security.md, docs/ledger.md).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newKeyEntry } from '../security/keyring';
import { devSigningKey } from '../store/ledger-signing-key';
import { LOOPBACK_CIDRS } from '../webhooks/address-guard';

export function devEnvironment(env: NodeJS.ProcessEnv, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...env,
    POLICY_SIGNAL_DECISIONS: env.POLICY_SIGNAL_DECISIONS ?? 'accepted',
    REVIEW_ASSERTION_KEYS: env.REVIEW_ASSERTION_KEYS ?? devKeyring(dataDir),
    LEDGER_SIGNING_KEY: env.LEDGER_SIGNING_KEY ?? devSigningKey(dataDir),
    PAYLOAD_CODEC_KEYS: env.PAYLOAD_CODEC_KEYS ?? devCodecKeyFile(dataDir),
    // A developer points webhook endpoints at a receiver on this machine (docs/webhooks.md).
    OUTBOUND_WEBHOOK_ALLOWED_CIDRS: env.OUTBOUND_WEBHOOK_ALLOWED_CIDRS ?? LOOPBACK_CIDRS.join(','),
  };
}

/**
 * The payload codec's dev keyring, `.data/payload-codec-keys` (mode 600), made once: the API, the
 * worker and the CLI of `npm start` read it by path. Losing it makes `.data/temporal.db` unreadable.
 */
export function devCodecKeyFile(dataDir: string): string {
  const file = path.join(dataDir, 'payload-codec-keys');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${newKeyEntry('dev-codec-1')}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return file;
}

function devKeyring(dataDir: string): string {
  const file = path.join(dataDir, 'review-assertion-keys');
  if (!existsSync(file)) writeFileSync(file, `${newKeyEntry('dev-1')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
