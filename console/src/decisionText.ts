/**
 * The reason codes a reviewer gives with an approval or a rejection, and each one's sentence: from
 * the contract (workflows/decision-reasons.ts, which imports nothing), so the console offers
 * exactly the codes the API accepts.
 */
import { DECISION_REASONS, REASON_CODES_FOR, type DecisionReasonCode } from '../../workflows/decision-reasons';

export { REASON_CODES_FOR, type DecisionReasonCode };

/** The sentence for a reason code; the code itself for one this console does not know. */
export const reasonCodeSentence = (code: string): string => (DECISION_REASONS as Record<string, string>)[code] ?? code;
