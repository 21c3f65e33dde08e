/**
 * Why a check ended without a result, in a sentence: ComplyCube's `failed` status, the workflow's
 * own `timed_out`, and `error` with its failure type (`ComplyCubeUnprocessable`, …).
 */
import type { CheckState } from './types';

const ERRORS: Record<string, string> = {
  ComplyCubeUnprocessable:
    'ComplyCube refused the check as unprocessable: what it was given (client, document or video) cannot be checked as it is.',
  ComplyCubeNotFound:
    'ComplyCube could not find what the check needs (the client, its address, document or live video).',
  ComplyCubeBadRequest: 'ComplyCube refused the request to run the check as malformed.',
  ComplyCubeInvalidArgument: 'ComplyCube refused a value the check was given as invalid.',
  ComplyCubeClientError: 'ComplyCube refused the request to run the check.',
  ComplyCubePayloadTooLarge: 'ComplyCube refused the request as too large.',
  ComplyCubeUnauthorized: "ComplyCube refused this system's API key.",
  ComplyCubePaymentRequired: 'ComplyCube refused the check: the account has no credit for it.',
  ComplyCubeRateLimited: "ComplyCube's rate limit held the check back until its deadline.",
  ComplyCubeServerError: "ComplyCube's servers kept failing until the check's deadline.",
  ComplyCubeTimeout: "ComplyCube did not answer in time, again and again, until the check's deadline.",
  ComplyCubeUnreachable: "ComplyCube could not be reached before the check's deadline.",
  ComplyCubeInvalidResponse: 'ComplyCube answered with something that is not a valid check.',
  ActivityFailed: 'The call to ComplyCube failed, and kept failing until the check gave up.',
};

export interface CheckFailure {
  sentence: string;
  /** The failure type, as the record has it (e.g. `ComplyCubeUnprocessable`). */
  code?: string;
  /** ComplyCube's own words, when the API passes them on. */
  detail?: string;
}

/** A detail the API may add beside the failure type; read loosely, as not every version sends one. */
function detailOf(check: CheckState): string | undefined {
  const extra = check as CheckState & { errorDetail?: unknown; detail?: unknown; errorMessage?: unknown };
  const detail = extra.errorDetail ?? extra.detail ?? extra.errorMessage;
  return typeof detail === 'string' && detail.trim() !== '' ? detail : undefined;
}

/** The failure of a check that ended without a result; undefined for one that has a result or is still running. */
export function checkFailure(check: CheckState): CheckFailure | undefined {
  const detail = detailOf(check);
  const extra = detail ? { detail } : {};
  switch (check.status) {
    case 'timed_out':
      return { sentence: 'ComplyCube gave no result within the check deadline.', ...extra };
    case 'failed':
      return {
        sentence: 'ComplyCube ran the check but could not complete it (its status is failed).',
        ...(check.error ? { code: check.error } : {}),
        ...extra,
      };
    case 'error': {
      const code = check.error ?? 'ActivityFailed';
      return {
        sentence: ERRORS[code] ?? `The check could not be run: ComplyCube answered ${code}.`,
        code,
        ...extra,
      };
    }
    default:
      return undefined;
  }
}
