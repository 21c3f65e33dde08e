import { checkName, words } from './format';
import type { CheckEvidence } from './types';

/** A value of ComplyCube's evidence, as plain text: React escapes it, whatever it holds. */
function EvidenceValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    return (
      <ul className="evidence-list">
        {(value as unknown[]).map((item, index) => (
          <li key={index}>
            <EvidenceValue value={item} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    return (
      <dl className="evidence-fields">
        {Object.entries(value as Record<string, unknown>).map(([key, item]) => (
          <div key={key}>
            <dt>{words(key)}</dt>
            <dd>
              <EvidenceValue value={item} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <>{typeof value === 'string' ? value : JSON.stringify(value)}</>;
}

/** Why a check shows no result: it never had one (why is in the summary above), or it could not be read just now. */
function unavailableText(status: string): string {
  if (status === 'error' || status === 'timed_out' || status === 'failed') {
    return 'No result from ComplyCube: the check ended without one (why is in the summary above).';
  }
  if (status === 'creating' || status === 'pending') return 'No result yet: the check is still running.';
  return "ComplyCube's result could not be read; try again shortly.";
}

/** Both checks' results as ComplyCube has them now, the analyses needing attention first. */
export function Evidence({ checks }: { checks: CheckEvidence[] | undefined }) {
  if (!checks) return <p className="loading">Loading the evidence from ComplyCube…</p>;
  return (
    <div className="evidence">
      {checks.map((check) => {
        const verdict = (check.available ? check.outcome : undefined) ?? check.status;
        return (
          <article key={check.type} className="check" aria-labelledby={`check-${check.type}`}>
            <h3 id={`check-${check.type}`}>
              {checkName(check.type)} <span className={`verdict verdict-${verdict}`}>{verdict}</span>
            </h3>
            {check.checkId && (
              <p className="sub">
                Check <code>{check.checkId}</code>
              </p>
            )}
            {!check.available && <p className="problem">{unavailableText(check.status)}</p>}
            {check.available &&
              check.analyses.map((analysis) => (
                <section key={analysis.name} className={analysis.attention ? 'analysis attention' : 'analysis'}>
                  <h4>{words(analysis.name)}</h4>
                  <ul className="verdicts">
                    {analysis.verdicts.map((v) => (
                      <li key={v.field} className={`verdict-${v.verdict}`}>
                        <span>{words(v.field)}</span> <strong>{v.verdict}</strong>
                      </li>
                    ))}
                  </ul>
                  {analysis.evidence !== null && (
                    <details>
                      <summary>Evidence</summary>
                      <EvidenceValue value={analysis.evidence} />
                    </details>
                  )}
                </section>
              ))}
          </article>
        );
      })}
    </div>
  );
}
