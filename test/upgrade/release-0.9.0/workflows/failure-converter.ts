/**
 * The failure converter of every client and worker, bundled into the workflow code too: a
 * failure's message and stack trace travel as an encoded payload, which the payload codec
 * encrypts, so ComplyCube's error text never reaches Temporal's history in clear
 * (docs/payload-encryption.md). Failures recorded before 0.7.0 hold them in clear and still decode.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
