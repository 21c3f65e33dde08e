/**
 * The chaos run's workload: applicants seeded in the emulator, their onboardings started through
 * the APIs, and a reviewer deciding those that need review.
 */
import { seedApplicant, type SeededApplicant } from '../../complycube-emulator/seed-applicant';
import type { Send } from './client';
import { CHAOS_EMULATOR_KEY, CHAOS_REVIEWER_TOKEN, CHAOS_SERVICE_TOKEN, type Cluster } from './cluster';
import { sleep, type Random } from './random';

/** What an applicant's checks come out as in the emulator. */
export type Kind = 'clear' | 'attention' | 'failed';

/** A seeded applicant, with its place in the run and what its checks will say. */
export interface Applicant extends SeededApplicant {
  index: number;
  kind: Kind;
}

/** What a reviewer decides for an applicant that needs review: fixed by its index, so it can be checked. */
export const expectedReview = (applicant: Applicant) => (applicant.index % 2 === 0 ? 'approve' : 'reject');

/** The applicants, seeded one after another before any fault: 70 % clear, 20 % attention, 10 % failed. */
export async function seedApplicants(cluster: Cluster, rng: Random, onboardings: number): Promise<Applicant[]> {
  const applicants: Applicant[] = [];
  for (let index = 0; index < onboardings; index += 1) {
    const roll = rng.next();
    const kind: Kind = roll < 0.7 ? 'clear' : roll < 0.9 ? 'attention' : 'failed';
    applicants.push({
      index,
      kind,
      ...(await seedApplicant(cluster.emulatorUrl, CHAOS_EMULATOR_KEY, lastName(kind))),
    });
  }
  return applicants;
}

function lastName(kind: Kind): { lastName?: string } {
  if (kind === 'attention') return { lastName: 'attention' };
  if (kind === 'failed') return { lastName: 'failed' };
  return {};
}

/** Starts every onboarding, ten at a time, each with its own idempotency key. */
export async function startOnboardings(applicants: Applicant[], send: Send): Promise<void> {
  for (let i = 0; i < applicants.length; i += 10) {
    await Promise.all(
      applicants.slice(i, i + 10).map(async (applicant) => {
        const { clientId, addressId, documentId, liveVideoId } = applicant;
        const reply = await send(
          'POST',
          '/v1/onboardings',
          CHAOS_SERVICE_TOKEN,
          { clientId, addressId, documentId, liveVideoId },
          `chaos-start-${clientId}`,
        );
        if (reply.status !== 201 && reply.status !== 200) {
          throw new Error(`starting ${clientId}: ${reply.status} ${JSON.stringify(reply.body)}`);
        }
      }),
    );
  }
}

/** The reviewer: decides every onboarding that waits for review, as `expectedReview` says. */
export async function reviewLoop(
  applicants: Applicant[],
  send: (method: string, path: string, token: string, body?: unknown, key?: string) => Promise<{ status: number }>,
  finished: () => boolean,
): Promise<void> {
  const byId = new Map(applicants.map((a) => [a.clientId, a]));
  const reviewed = new Set<string>();
  while (!finished()) {
    for (const status of ['awaiting_review', 'escalated']) {
      const page = (await send('GET', `/v1/onboardings?status=${status}&pageSize=100`, CHAOS_REVIEWER_TOKEN)) as {
        status: number;
        body: { items?: { onboardingId: string }[] };
      };
      for (const item of page.body.items ?? []) {
        const applicant = byId.get(item.onboardingId);
        if (!applicant || reviewed.has(applicant.clientId)) continue;
        const reply = await send(
          'POST',
          `/v1/onboardings/${applicant.clientId}/review`,
          CHAOS_REVIEWER_TOKEN,
          { decision: expectedReview(applicant), reason: `chaos review of #${applicant.index}` },
          `chaos-review-${applicant.clientId}`,
        );
        if (reply.status === 200 || reply.status === 202 || reply.status === 409) reviewed.add(applicant.clientId);
      }
    }
    await sleep(1_000);
  }
}
