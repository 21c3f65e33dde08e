import { checkName } from './format';
import type { CheckState } from './types';

/** Each check's outcome in one line, with the analyses that need a reviewer's attention. */
export function ChecksSummary({ checks }: { checks: CheckState[] }) {
  return (
    <ul className="checks-summary">
      {checks.map((check) => (
        <li key={check.type}>
          {checkName(check.type)}: <strong>{check.outcome ?? check.status}</strong>
          {check.attentionAnalyses.length > 0 && ` (${check.attentionAnalyses.join(', ')})`}
        </li>
      ))}
    </ul>
  );
}
