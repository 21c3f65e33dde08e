import { useState } from 'react';
import { api, RequestFailed } from './api';
import { holderText } from './claimText';
import { when } from './format';
import type { Claim } from './types';

/** Who holds the case, and the buttons to claim, renew or release it. */
export function ClaimBar(props: { onboardingId: string; claim?: Claim; reviewer: string; onDone: () => void }) {
  const { onboardingId, claim, reviewer, onDone } = props;
  const [message, setMessage] = useState<string>();
  // The API shows a claim only while it holds.
  const mine = claim?.reviewer === reviewer;

  const send = async (release: boolean) => {
    setMessage(undefined);
    try {
      await api(release ? 'DELETE' : 'POST', `/v1/onboardings/${onboardingId}/claim`);
      setMessage(release ? 'Released.' : 'Claimed for you.');
    } catch (error) {
      const problem = error instanceof RequestFailed ? error.problem : undefined;
      const holder = (problem?.details as { claimedBy?: string } | undefined)?.claimedBy;
      setMessage(holder ? `Claimed by ${holder}.` : (problem?.message ?? 'That did not work; try again.'));
    }
    onDone();
  };

  return (
    <div className={`claim${claim ? (mine ? ' claim-mine' : ' claim-other') : ''}`} aria-label="Claim" role="group">
      <p className="claim-line">
        {claim ? (
          <>
            {holderText(claim, reviewer)} until <time dateTime={claim.expiresAt}>{when(claim.expiresAt)}</time>.
          </>
        ) : (
          'Nobody holds this case.'
        )}
      </p>
      <div className="actions">
        {(!claim || mine) && (
          <button type="button" className={mine ? 'quiet' : undefined} onClick={() => void send(false)}>
            {mine ? 'Renew claim' : 'Claim this case'}
          </button>
        )}
        {mine && (
          <button type="button" className="quiet" onClick={() => void send(true)}>
            Release
          </button>
        )}
      </div>
      <p role="status" aria-live="polite" className="claim-message sub">
        {message}
      </p>
    </div>
  );
}
