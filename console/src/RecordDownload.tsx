import { useEffect, useMemo } from 'react';

/** The API's answer saved as it came, for a regulator to recheck with the ledger tool anywhere. */
export function RecordDownload({ onboardingId, json }: { onboardingId: string; json: string }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([json], { type: 'application/json' })), [json]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const file = `record-${onboardingId}.json`;
  return (
    <p className="record-download no-print">
      <a className="button" href={url} download={file}>
        Download JSON
      </a>{' '}
      Check it anywhere with <code>npm run ledger -- verify-record {file}</code>
    </p>
  );
}
