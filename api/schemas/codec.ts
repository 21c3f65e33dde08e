/** Temporal's codec server protocol: Payloads as proto3 JSON, bytes as base64 (docs/payload-encryption.md). */
import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');

export const codecPayloadSchema = z.object({
  metadata: z.record(z.string(), base64).optional(),
  data: base64.optional(),
});

export const codecPayloadsSchema = z
  .object({ payloads: z.array(codecPayloadSchema).max(1_000).default([]) })
  .meta({ description: 'temporal.api.common.v1.Payloads as proto3 JSON: metadata values and data in base64' });

export const codecParams = z.strictObject({
  // Empty when the CLI's `{namespace}` had no namespace to put in: the API's own is meant.
  namespace: z.string().max(255).optional(),
  operation: z.enum(['encode', 'decode']),
});

export type CodecPayload = z.infer<typeof codecPayloadSchema>;
