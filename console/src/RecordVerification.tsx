import type { CaseRecord } from './types';

/** What the API found rechecking the record's hashes: all good, or the first entry that is not. */
export function RecordVerification({ verification }: { verification: CaseRecord['verification'] }) {
  if (verification.ok) {
    return (
      <p className="verification ok" role="status">
        ✓ {verification.count} {verification.count === 1 ? 'entry' : 'entries'}, each hash rechecked
      </p>
    );
  }
  return (
    <p className="verification broken" role="alert">
      ✗ The record does not verify:{' '}
      {verification.firstBroken !== undefined
        ? `entry seq ${verification.firstBroken} is the first broken one`
        : 'an entry is broken'}{' '}
      ({verification.count} entries)
    </p>
  );
}
