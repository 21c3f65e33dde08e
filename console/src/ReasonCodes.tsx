import { REASON_CODES_FOR, reasonCodeSentence, type DecisionReasonCode } from './decisionText';

/**
 * The documented reasons for an approval or a rejection (one or more), each shown with its
 * sentence; the free-text reason goes beside them. Ticked codes keep the contract's order.
 */
export function ReasonCodes(props: {
  decision: 'approve' | 'reject';
  chosen: readonly DecisionReasonCode[];
  onChange: (codes: DecisionReasonCode[]) => void;
}) {
  const offered = REASON_CODES_FOR[props.decision];
  const toggle = (code: DecisionReasonCode, on: boolean) =>
    props.onChange(offered.filter((c) => (c === code ? on : props.chosen.includes(c))));
  return (
    <fieldset className="reason-codes">
      <legend>{props.decision === 'approve' ? 'Why approve' : 'Why reject'} (reason codes, for the record)</legend>
      <ul>
        {offered.map((code) => (
          <li key={code}>
            <label className="code">
              <input
                type="checkbox"
                name="reason-code"
                value={code}
                checked={props.chosen.includes(code)}
                onChange={(event) => toggle(code, event.target.checked)}
              />
              <span>{reasonCodeSentence(code)}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
