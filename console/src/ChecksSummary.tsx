import { checkFailure } from './checkFailure';
import { checkName } from './format';
import type { CheckState } from './types';

/**
 * Each check's outcome in one line, with the analyses that need a reviewer's attention; then the
 * checks a resubmission replaced, oldest first, marked superseded, so their results stay in view.
 */
export function ChecksSummary({ checks, superseded = [] }: { checks: CheckState[]; superseded?: CheckState[] }) {
  return (
    <ul className="checks-summary">
      {checks.map((check) => (
        <CheckLine key={check.type} check={check} withId={superseded.length > 0} />
      ))}
      {superseded.map((check, index) => (
        <CheckLine key={`superseded-${check.checkId ?? index}`} check={check} withId superseded />
      ))}
    </ul>
  );
}

/** One check; its ID too when a superseded check of the same type is listed, to tell them apart. */
function CheckLine({
  check,
  withId,
  superseded = false,
}: {
  check: CheckState;
  withId: boolean;
  superseded?: boolean;
}) {
  const failure = checkFailure(check);
  return (
    <li className={superseded ? 'superseded' : undefined}>
      {superseded && <span className="superseded-tag">superseded</span>}
      {checkName(check.type)}: <strong>{check.outcome ?? check.status.replace('_', ' ')}</strong>
      {check.attentionAnalyses.length > 0 && ` (${check.attentionAnalyses.join(', ')})`}
      {failure && (
        <span className="failure">
          {failure.sentence}
          {failure.code && (
            <>
              {' '}
              <code>{failure.code}</code>
            </>
          )}
          {failure.detail && <span className="failure-detail">ComplyCube said: “{failure.detail}”</span>}
        </span>
      )}
      {withId && check.checkId && (
        <span className="sub">
          {' '}
          · check <code>{check.checkId}</code>
          {superseded && ', replaced by a resubmission'}
        </span>
      )}
    </li>
  );
}
