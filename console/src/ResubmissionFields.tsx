import {
  itemName,
  reasonSentence,
  RESUBMISSION_ITEMS,
  RESUBMISSION_REASON_CODES,
  type ResubmissionItem,
  type ResubmissionReason,
} from './resubmissionText';

export interface Ask {
  items: ResubmissionItem[];
  reasonCodes: ResubmissionReason[];
}

/** What a resubmission request still lacks before it can be sent, in words; empty once complete. */
export function missingFromAsk(ask: Ask, note: string): string[] {
  return [
    ask.items.length === 0 && 'what to resubmit',
    ask.reasonCodes.length === 0 && 'a reason',
    note.trim() === '' && 'a note',
  ].filter((missing): missing is string => typeof missing === 'string');
}

/** Ticked values in the contract's order: the same request reads the same however it was ticked. */
function toggled<T extends string>(all: readonly T[], chosen: readonly T[], value: T, on: boolean): T[] {
  return all.filter((v) => (v === value ? on : chosen.includes(v)));
}

/**
 * What the applicant must resubmit (a document, a live video or both) and why: the reasons are the
 * contract's codes, each shown with its sentence. The note is the decision form's reason field.
 */
export function ResubmissionFields({ ask, onChange }: { ask: Ask; onChange: (ask: Ask) => void }) {
  return (
    <div className="resubmission-fields">
      <fieldset className="items">
        <legend>What the applicant must resubmit</legend>
        {RESUBMISSION_ITEMS.map((item) => (
          <label key={item} className="choice">
            <input
              type="checkbox"
              name="resubmission-item"
              value={item}
              checked={ask.items.includes(item)}
              onChange={(event) =>
                onChange({ ...ask, items: toggled(RESUBMISSION_ITEMS, ask.items, item, event.target.checked) })
              }
            />{' '}
            {itemName(item)}
          </label>
        ))}
      </fieldset>
      <fieldset className="reason-codes">
        <legend>Why (one or more; the backend receives these codes, never the note)</legend>
        <ul>
          {RESUBMISSION_REASON_CODES.map((code) => (
            <li key={code}>
              <label className="code">
                <input
                  type="checkbox"
                  name="resubmission-reason"
                  value={code}
                  checked={ask.reasonCodes.includes(code)}
                  onChange={(event) =>
                    onChange({
                      ...ask,
                      reasonCodes: toggled(RESUBMISSION_REASON_CODES, ask.reasonCodes, code, event.target.checked),
                    })
                  }
                />
                <span>
                  {reasonSentence(code)} <code className="sub">{code}</code>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
    </div>
  );
}
