import { when } from './format';
import { kindText, summary } from './recordText';
import type { LedgerEntry } from './types';

/** The case's ledger entries in order, each with its hash: short on screen, in full on paper. */
export function RecordTable({
  entries,
  texts,
}: {
  entries: LedgerEntry[];
  texts?: Record<string, string> | undefined;
}) {
  return (
    <table className="record-table">
      <thead>
        <tr>
          <th scope="col">Seq</th>
          <th scope="col">Time</th>
          <th scope="col">Event</th>
          <th scope="col">Who</th>
          <th scope="col">Details</th>
          <th scope="col">Hash</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.seq}>
            <td>{entry.seq}</td>
            <td>
              <time dateTime={entry.at} title={entry.at}>
                {when(entry.at)}
              </time>
            </td>
            <td>{kindText(entry.kind)}</td>
            <td className="actor">
              {entry.actor ?? <span className="sub">the system</span>}
              {entry.channel && <span className="sub">via {entry.channel}</span>}
            </td>
            <td className="details">{summary(entry, texts)}</td>
            <td>
              <code className="hash" title={entry.hash}>
                <span className="hash-short">{entry.hash.slice(0, 12)}</span>
                <span className="hash-full">{entry.hash}</span>
              </code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
