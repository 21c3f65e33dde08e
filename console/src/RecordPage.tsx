import { useEffect, useRef, useState } from 'react';
import { api, RequestFailed } from './api';
import { when } from './format';
import { RecordDownload } from './RecordDownload';
import { RecordTable } from './RecordTable';
import { RecordVerification } from './RecordVerification';
import { Link } from './router';
import type { CaseRecord } from './types';

type Loaded = { onboardingId: string; record: CaseRecord; json: string } | { onboardingId: string; problem: string };

/** The case record: every ledger entry for one onboarding, rechecked, to print or keep as JSON. */
export function RecordPage({ onboardingId }: { onboardingId: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [loaded, setLoaded] = useState<Loaded>();
  const [printedAt] = useState(() => new Date().toISOString());
  useEffect(() => heading.current?.focus(), [onboardingId]);
  useEffect(() => {
    api<CaseRecord>('GET', `/v1/onboardings/${onboardingId}/record`).then(
      ({ body, text }) => setLoaded({ onboardingId, record: body, json: text }),
      (error: unknown) =>
        setLoaded({
          onboardingId,
          problem:
            error instanceof RequestFailed && error.problem.status === 404
              ? 'Nothing is on the ledger for this ID.'
              : error instanceof RequestFailed
                ? error.problem.message
                : 'The record could not be loaded.',
        }),
    );
  }, [onboardingId]);
  const current = loaded?.onboardingId === onboardingId ? loaded : undefined;

  return (
    <article aria-labelledby="record-heading" className="record">
      <p className="back no-print">
        <Link to={{ page: 'case', onboardingId }}>← Case</Link>
      </p>
      <h1 id="record-heading" ref={heading} tabIndex={-1}>
        Case record
      </h1>
      <dl className="record-meta">
        <dt>Onboarding</dt>
        <dd>
          <code>{onboardingId}</code>
        </dd>
        <dt>Printed</dt>
        <dd>
          <time dateTime={printedAt}>{when(printedAt)}</time>
        </dd>
      </dl>
      {!current && <p className="loading">Loading…</p>}
      {current && 'problem' in current && <p className="problem">{current.problem}</p>}
      {current && 'record' in current && (
        <>
          <RecordVerification verification={current.record.verification} />
          <p className="record-actions no-print">
            <button type="button" onClick={() => window.print()}>
              Print
            </button>
          </p>
          <RecordDownload onboardingId={onboardingId} json={current.json} />
          <RecordTable entries={current.record.entries} texts={current.record.texts} />
        </>
      )}
    </article>
  );
}
