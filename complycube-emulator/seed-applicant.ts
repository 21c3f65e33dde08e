import { z } from 'zod';
import { complyCubeIdSchema } from '../complycube/primitives';

/**
 * Creates a complete applicant in the emulator: a person client, a UK address, a passport
 * with a front image, a live video and a live photo. Returns the IDs an onboarding needs.
 */
export interface SeededApplicant {
  clientId: string;
  addressId: string;
  documentId: string;
  liveVideoId: string;
}

const seededApplicantSchema = z.object({
  clientId: complyCubeIdSchema,
  addressId: complyCubeIdSchema,
  documentId: complyCubeIdSchema,
  liveVideoId: complyCubeIdSchema,
}) satisfies z.ZodType<SeededApplicant>;

/** Who the applicant is; the emulator's defaults (`Test Applicant`, GB, born 1990-01-01) for what is not given. */
export interface SeedOptions {
  firstName?: string;
  /** `attention` and `failed` are the sandbox's triggers. */
  lastName?: string;
  email?: string;
  /** ISO 3166-1 alpha-2. */
  nationality?: string;
  /** `YYYY-MM-DD`. */
  dob?: string;
}

/**
 * Seeds through the emulator's `POST /_emulator/applicants`: one call, outside ComplyCube's rate
 * limit, so seeding never takes the product's share of it. `apiKey`, when the emulator does not
 * accept it, fails the seeding as it would fail the product.
 */
export async function seedApplicant(
  baseUrl: string,
  apiKey: string,
  options: SeedOptions = {},
): Promise<SeededApplicant> {
  const root = baseUrl.replace(/\/v1\/?$/, '');
  const response = await fetch(`${root}/_emulator/applicants`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: apiKey },
    body: JSON.stringify(options),
  });
  if (!response.ok) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
  return seededApplicantSchema.parse(await response.json());
}

/** Registers a webhook for check completion and failure; returns its ID and its secret (shown only now). */
export async function registerWebhook(
  baseUrl: string,
  apiKey: string,
  url: string,
  description?: string,
): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/webhooks`, {
    method: 'POST',
    headers: { Authorization: apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url, events: ['check.completed', 'check.failed'], ...(description ? { description } : {}) }),
  });
  if (!response.ok) throw new Error(`registering the webhook failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; secret: string };
}
