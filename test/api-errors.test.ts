/** How the API classifies Temporal's errors: which ones tell the caller to try again (503). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '@temporalio/client';
import { grpcCodeOf, isRefusedPageToken, isTemporalUnavailable } from '../api/errors';

/** As the SDK throws it: a ServiceError whose cause is the gRPC error with its status code. */
const serviceError = (code: number, details: string) =>
  new ServiceError('Failed to start Workflow', { cause: Object.assign(new Error(`${code} ${details}`), { code }) });

describe('Temporal errors at the API', () => {
  it('finds the gRPC code on the error or on its cause', () => {
    assert.equal(grpcCodeOf(serviceError(14, 'UNAVAILABLE')), 14);
    assert.equal(grpcCodeOf(Object.assign(new Error('x'), { code: 4 })), 4);
    assert.equal(grpcCodeOf(new Error('no code')), undefined);
  });

  it('asks the caller to try again when Temporal is down, overloaded, slow, or cut the call short', () => {
    for (const [code, details] of [
      [14, 'UNAVAILABLE: connect ECONNREFUSED'],
      [4, 'DEADLINE_EXCEEDED: Deadline exceeded'],
      [8, 'RESOURCE_EXHAUSTED: namespace rate limit exceeded'],
      // Seen under a burst of 1,000 starts on the dev server: the call dropped, its outcome unknown.
      [1, 'CANCELLED: Call cancelled'],
    ] as const) {
      assert.ok(isTemporalUnavailable(serviceError(code, details)), details);
    }
  });

  it('does not call a refusal an outage', () => {
    for (const [code, details] of [
      [3, 'INVALID_ARGUMENT: bad page token'],
      [5, 'NOT_FOUND: workflow not found'],
      [6, 'ALREADY_EXISTS: workflow already started'],
      [9, 'FAILED_PRECONDITION: workflow completed'],
      [7, 'PERMISSION_DENIED'],
    ] as const) {
      assert.ok(!isTemporalUnavailable(serviceError(code, details)), details);
    }
    assert.ok(isRefusedPageToken(serviceError(3, 'INVALID_ARGUMENT')));
  });
});
