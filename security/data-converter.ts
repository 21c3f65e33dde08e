/**
 * The data converter of every Temporal client and worker: the payload codec when a keyring is
 * configured, and always the failure converter that moves messages and stack traces into an
 * encoded payload (docs/payload-encryption.md).
 */
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type CodecKeyring } from './payload-codec';

/** The failure converter's module: the worker loads it, and the workflow bundle includes it. */
export const FAILURE_CONVERTER_PATH = require.resolve('../workflows/failure-converter');

export function dataConverter(keyring: CodecKeyring | undefined): DataConverter {
  return {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(keyring ? { payloadCodecs: [new AesGcmPayloadCodec(keyring)] } : {}),
  };
}
