/** The ledger as the API answers it: one case's record, and the chain's verification page by page. */
import { z } from 'zod';
import { LEDGER_ENTRY_KINDS } from '../../store/ledger-kinds';

const hash = z.string().regex(/^[0-9a-f]{64}$/);

export const ledgerEntrySchema = z.strictObject({
  seq: z.number().int().positive().meta({ description: 'The global sequence number: 1, 2, 3… with no gap' }),
  entryId: z.string().meta({ description: 'Written once: the idempotency key of the event' }),
  onboardingId: z.string().nullable(),
  runId: z.string().nullable(),
  kind: z.enum(LEDGER_ENTRY_KINDS),
  actor: z.string().nullable().meta({ description: 'Who: a reviewer, the system, a backend; null when unknown' }),
  channel: z.string().nullable(),
  at: z.string(),
  body: z.record(z.string(), z.unknown()).meta({ description: 'IDs and outcomes; never an applicant’s data' }),
  prevHash: hash.meta({ description: 'The previous entry’s hash (64 zeros before the first)' }),
  hash: hash.meta({ description: 'SHA-256 of the canonical JSON of the entry without its hash (docs/ledger.md)' }),
  purgedBy: z.number().int().positive().nullable().optional().meta({
    description: 'Set when a retention purge removed the body: the seq of the `ledger_purged` entry that lists it',
  }),
});

export const caseRecordSchema = z
  .strictObject({
    onboardingId: z.string(),
    entries: z.array(ledgerEntrySchema),
    texts: z
      .record(z.string(), z.string())
      .optional()
      .meta({
        description:
          'The reasons the entries name by reference (pd1:…), decrypted, or [erased]: not part of any hash ' +
          '(docs/payload-encryption.md)',
      }),
    verification: z
      .strictObject({ ok: z.boolean(), count: z.number().int(), firstBroken: z.number().int().optional() })
      .meta({
        description: 'Each entry’s hash rechecked by the API; `npm run ledger -- verify-record` does it offline',
      }),
  })
  .meta({ description: 'Save it as a file: `npm run ledger -- verify-record FILE` rechecks it anywhere' });

export const ledgerVerifyQuery = z.strictObject({
  fromSeq: z.coerce.number().int().min(1).default(1).meta({ description: 'Where this page starts' }),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000).meta({ description: 'Entries in this page' }),
});

export const ledgerVerifySchema = z.strictObject({
  ok: z.boolean(),
  fromSeq: z.number().int(),
  checked: z.number().int().meta({ description: 'Entries checked in this page' }),
  headSeq: z
    .number()
    .int()
    .meta({ description: 'The chain’s newest entry, for progress: checked up to nextSeq − 1 of it' }),
  nextSeq: z.number().int().optional().meta({ description: 'Pass as fromSeq for the next page; absent at the end' }),
  lastHash: hash.optional().meta({ description: 'The hash of the last entry checked' }),
  firstBroken: z
    .strictObject({ seq: z.number().int(), problem: z.string(), detail: z.string() })
    .optional()
    .meta({ description: 'The first entry missing, altered, reordered, inserted or unlinked' }),
});

export const relationshipEndBody = z
  .strictObject({
    endedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'When the account closed (default: now); not in the future' }),
  })
  .meta({ description: 'The end of an approved customer’s relationship, from which retention runs' });

export const relationshipEndSchema = z.strictObject({
  onboardingId: z.string(),
  entry: ledgerEntrySchema.meta({ description: 'The `relationship_ended` entry; the first recorded stands' }),
});

export type LedgerEntryView = z.infer<typeof ledgerEntrySchema>;
export type CaseRecord = z.infer<typeof caseRecordSchema>;
