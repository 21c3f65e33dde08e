import type { Claim } from './types';

/** `Claimed by you`, or for a case a senior gave someone, `Assigned to reviewer-bob by senior-carol`. */
export function holderText(claim: Claim, reviewer?: string): string {
  const who = claim.reviewer === reviewer ? 'you' : claim.reviewer;
  return claim.assignedBy ? `Assigned to ${who} by ${claim.assignedBy}` : `Claimed by ${who}`;
}
