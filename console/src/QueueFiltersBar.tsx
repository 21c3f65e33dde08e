import { useState } from 'react';
import { reasonText, statusText } from './format';
import { anyFilter, CLIENT_ID, NO_FILTERS, REVIEW_REASONS, type QueueFilters } from './queueFilters';
import { REVIEW_STATUSES, type Status } from './types';

/** The queue's filters: status, reason, past the SLA, mine, and one client by its ID. They combine. */
export function QueueFiltersBar({ filters, onChange }: { filters: QueueFilters; onChange: (f: QueueFilters) => void }) {
  const set = (change: Partial<QueueFilters>) => onChange({ ...filters, ...change });
  // What is typed in the client ID box, which is applied only once it is an ID.
  const [clientText, setClientText] = useState(filters.clientId ?? '');
  return (
    <form className="filters" aria-label="Filter the queue" onSubmit={(event) => event.preventDefault()}>
      <div className="filter">
        <label htmlFor="filter-status">Status</label>
        <select
          id="filter-status"
          value={filters.status ?? ''}
          onChange={(event) => set({ status: (event.target.value || undefined) as Status | undefined })}
        >
          <option value="">Any status</option>
          {REVIEW_STATUSES.map((status) => (
            <option key={status} value={status}>
              {statusText(status)}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor="filter-reason">Reason</label>
        <select
          id="filter-reason"
          value={filters.reason ?? ''}
          onChange={(event) => set({ reason: event.target.value || undefined })}
        >
          <option value="">Any reason</option>
          {REVIEW_REASONS.map((reason) => (
            <option key={reason} value={reason}>
              {reasonText(reason)}
            </option>
          ))}
        </select>
      </div>
      <Toggle label="SLA breached" on={filters.slaBreached} onChange={(on) => set({ slaBreached: on })} />
      <Toggle label="Mine" on={filters.mine} onChange={(on) => set({ mine: on })} />
      <ClientIdSearch
        text={clientText}
        onText={setClientText}
        onChange={(clientId) => set(clientId ? { clientId } : { clientId: undefined })}
      />
      {(anyFilter(filters) || clientText !== '') && (
        <button
          type="button"
          className="quiet clear-filters"
          onClick={() => {
            setClientText('');
            onChange(NO_FILTERS);
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}

function Toggle({ label, on, onChange }: { label: string; on: boolean; onChange: (on: boolean) => void }) {
  return (
    <label className={`toggle${on ? ' on' : ''}`}>
      <input type="checkbox" checked={on} onChange={(event) => onChange(event.target.checked)} />
      {label}
    </label>
  );
}

/**
 * One client's cases by its ComplyCube ID, pasted or typed: applied once it is 24 hexadecimal
 * characters (spaces and case forgiven); while it is not, no client filter holds and it says why.
 */
function ClientIdSearch(props: {
  text: string;
  onText: (text: string) => void;
  onChange: (id: string | undefined) => void;
}) {
  const { text, onText, onChange } = props;
  const typed = text.trim().toLowerCase();
  const invalid = typed !== '' && !CLIENT_ID.test(typed);

  const edit = (value: string) => {
    onText(value);
    const id = value.trim().toLowerCase();
    onChange(CLIENT_ID.test(id) ? id : undefined);
  };

  return (
    <div className="filter client-search">
      <label htmlFor="filter-client">Client ID</label>
      <input
        id="filter-client"
        type="search"
        inputMode="text"
        autoComplete="off"
        spellCheck={false}
        placeholder="paste a 24-character ID"
        aria-invalid={invalid}
        aria-describedby="filter-client-problem"
        value={text}
        onChange={(event) => edit(event.target.value)}
      />
      <p id="filter-client-problem" className="field-problem" aria-live="polite">
        {invalid &&
          `Not a client ID: an ID is 24 characters, 0–9 and a–f (this has ${typed.length}${/[^0-9a-f]/.test(typed) ? ', with others' : ''}).`}
      </p>
    </div>
  );
}
