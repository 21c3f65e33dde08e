import { useState } from 'react';
import { slaText, when } from './format';
import { itemName, itemsText, reasonSentence } from './resubmissionText';
import type { Onboarding } from './types';

type Request = NonNullable<Onboarding['resubmission']>;

/**
 * A case waiting for the applicant, in place of the decision form: nobody can decide it until the
 * resubmission comes (the case is off the queue), and past the due time it ends `expired`.
 */
export function ResubmissionWait({ request, rounds }: { request: Request; rounds?: number | undefined }) {
  // Days away, as a rule: the time the page opened is near enough to say how long is left.
  const [openedAt] = useState(() => Date.now());
  const secondsLeft = Math.round((Date.parse(request.dueAt) - openedAt) / 1000);
  return (
    <section aria-labelledby="resubmission-heading" className="resubmission-wait">
      <h2 id="resubmission-heading">Waiting for the applicant</h2>
      <p className="lead">
        Waiting for the applicant to resubmit {itemsText(request.items)} ({request.reasonCodes.join(', ')}) · round{' '}
        {request.round}
        {rounds !== undefined ? ` of ${rounds}` : ''} · due <time dateTime={request.dueAt}>{when(request.dueAt)}</time>{' '}
        <span className="sub">({slaText(secondsLeft)})</span>
      </p>
      <p className="hint">
        No decision can be taken meanwhile; once the applicant resubmits, the checks it feeds run again and the case
        returns to the queue. If nothing comes by the due time, the onboarding ends expired.
      </p>
      <dl className="request">
        <div>
          <dt>Asked for</dt>
          <dd>{request.items.map(itemName).join(', ')}</dd>
        </div>
        <div>
          <dt>Why</dt>
          <dd>
            <ul>
              {request.reasonCodes.map((code) => (
                <li key={code}>
                  {reasonSentence(code)} <code className="sub">{code}</code>
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div>
          <dt>Asked by</dt>
          <dd>
            {request.requestedBy} <span className="sub">via {request.channel}</span> on{' '}
            <time dateTime={request.requestedAt}>{when(request.requestedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Note</dt>
          <dd className="reason">{request.note}</dd>
        </div>
      </dl>
    </section>
  );
}
