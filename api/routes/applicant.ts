/**
 * The applicant behind a case, for the reviewer who asks (docs/reviewer-view.md): who they are,
 * their document and its front image, the live video's challenges, their face; and the names of
 * the queue's visible cases. Read live from ComplyCube (`../applicant-view.ts`) and never written
 * anywhere: not to Temporal, the store, a log line, a span or a metric label. Only who looked, and
 * when, is on the record (`applicant_viewed`).
 */
import type { FastifyRequest } from 'fastify';
import { getClient } from '../../complycube/applicant-reads';
import type { ComplyCubeClient } from '../../complycube/client';
import { complyCubeOf, enhancedCheckOf, readApplicant, readApplicantImage, shownImage } from '../applicant-view';
import { DESK_ROLES } from '../auth';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import {
  applicantImageResponse,
  applicantNamesQuery,
  applicantNamesSchema,
  applicantSchema,
} from '../schemas/applicant';
import { AUTH_ERRORS, errors, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import type { RouteGroup } from './plugin';

const NO_KEY = 'evidence_unavailable: this API has no ComplyCube key';

/** How many names are read from ComplyCube at once: a page of 50 stays well inside the rate limit's pace. */
const NAME_READS_AT_ONCE = 5;

/** `work` over `items`, at most `limit` at a time; the results in the items' order. */
async function boundedMap<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Whether the onboarding was ever on the review desk or decided: only those may be named. */
async function knownHere(context: ApiContext, onboardingId: string): Promise<boolean> {
  if (await context.store.reviewCaseFor(onboardingId)) return true;
  return (await context.store.decisionsFor(onboardingId)).length > 0;
}

/** "First Last" (a company's name for a company client); null when ComplyCube cannot give it. */
async function nameOf(complyCube: ComplyCubeClient, clientId: string): Promise<string | null> {
  try {
    const client = await getClient(complyCube, clientId);
    return client.type === 'person'
      ? `${client.personDetails.firstName} ${client.personDetails.lastName}`
      : client.companyDetails.name;
  } catch {
    return null;
  }
}

export const applicantRoutes: RouteGroup = async (app, { context }) => {
  const { requireRole } = context;

  // Who looked at a person, and when, is on the record (never what they saw).
  const viewed = (request: FastifyRequest, detail: Record<string, unknown>) => {
    const { name: actor, channel } = request.principal!;
    return context.securityLog.record(request, 'applicant_viewed', { actor, detail: { ...detail, channel } });
  };

  /**
   * The onboarding's enhanced identity check ID, or a 404: only a case on the desk or decided shows
   * its applicant, as only those are named in the queue (a run still checking is nobody's case yet).
   */
  const caseOf = async (onboardingId: string) => {
    if (!(await knownHere(context, onboardingId))) {
      throw new HttpError(404, 'onboarding_not_found', 'No case with this ID on the review desk or decided');
    }
    const check = await enhancedCheckOf(context, onboardingId);
    if (!check) throw new HttpError(404, 'onboarding_not_found', 'No onboarding with this ID');
    return check;
  };

  app.get(
    '/v1/onboardings/:onboardingId/applicant',
    {
      onRequest: requireRole(...DESK_ROLES),
      schema: {
        summary:
          'The applicant, read live from ComplyCube (reviewer; never stored, logged or cached: Cache-Control: ' +
          'no-store): name, date of birth, nationality, the document, the live video, the face',
        params: onboardingIdParams,
        response: {
          200: applicantSchema.meta({ description: 'The applicant; parts ComplyCube could not give are unavailable' }),
          ...errors({
            400: 'Not an onboarding ID',
            ...AUTH_ERRORS,
            404: 'Unknown onboarding',
            503: `${UNAVAILABLE}; or ${NO_KEY}`,
          }),
        },
      },
    },
    async (request, reply) => {
      const { onboardingId } = request.params;
      const complyCube = complyCubeOf(context);
      const { checkId } = await caseOf(onboardingId);
      await viewed(request, { onboardingId, part: 'applicant' });
      const view = await readApplicant(complyCube, onboardingId, checkId);
      // Personal data: no cache anywhere between ComplyCube and the reviewer's screen.
      reply.header('cache-control', 'no-store');
      return view;
    },
  );

  const images = {
    'document-front': 'The front image of the document the enhanced identity check ran on',
    face: 'The client’s newest live photo',
  } as const;
  for (const [image, what] of Object.entries(images) as [keyof typeof images, string][]) {
    app.get(
      `/v1/onboardings/:onboardingId/applicant/${image}`,
      {
        onRequest: requireRole(...DESK_ROLES),
        schema: {
          summary: `${what}, read live from ComplyCube (reviewer; JPEG or PNG only; Cache-Control: no-store)`,
          params: onboardingIdParams,
          response: {
            200: applicantImageResponse(`${what}: its bytes`),
            ...errors({
              400: 'Not an onboarding ID',
              ...AUTH_ERRORS,
              404:
                'Unknown onboarding (onboarding_not_found); no such image (image_not_found); or ' +
                'image_unavailable: not a JPEG or PNG by both its content type and its bytes',
              503: `${UNAVAILABLE}; ${NO_KEY}; or applicant_unavailable: ComplyCube could not give it just now`,
            }),
          },
        },
      },
      async (request, reply) => {
        const { onboardingId } = request.params;
        const complyCube = complyCubeOf(context);
        const { checkId } = await caseOf(onboardingId);
        await viewed(request, { onboardingId, part: image });
        const download = await readApplicantImage(complyCube, onboardingId, checkId, image);
        if (!download) throw new HttpError(404, 'image_not_found', 'ComplyCube has no such image');
        const shown = shownImage(download);
        if (!shown) throw new HttpError(404, 'image_unavailable', 'The image is not a JPEG or PNG');
        // Bytes from elsewhere: never cached, never sniffed into something a browser would run.
        return reply
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'")
          .type(shown.contentType)
          .send(shown.bytes);
      },
    );
  }

  app.get(
    '/v1/applicant-names',
    {
      onRequest: requireRole(...DESK_ROLES),
      schema: {
        summary:
          "The applicants' names for the queue's visible page, read live from ComplyCube (reviewer; never " +
          'stored, logged or cached: Cache-Control: no-store); only onboardings on the desk or decided are named',
        querystring: applicantNamesQuery,
        response: {
          200: applicantNamesSchema.meta({ description: 'A name, or null, per onboarding ID asked for' }),
          ...errors({
            400: 'No onboarding ID, more than 50, or one that is not an onboarding ID',
            ...AUTH_ERRORS,
            503: `${UNAVAILABLE}; or ${NO_KEY}`,
          }),
        },
      },
    },
    async (request, reply) => {
      const complyCube = complyCubeOf(context);
      const ids = [...new Set(request.query.onboardingId)];
      // An ID the store has never seen is not asked of ComplyCube: this is no directory of its clients.
      const known = await boundedMap(ids, NAME_READS_AT_ONCE, (id) => knownHere(context, id));
      const named = ids.filter((_, index) => known[index]);
      // One event per applicant named, so each case's record says who saw its name, and when.
      for (const onboardingId of named) await viewed(request, { onboardingId, part: 'names' });
      const names = await boundedMap(named, NAME_READS_AT_ONCE, (id) => nameOf(complyCube, id));
      reply.header('cache-control', 'no-store');
      return { names: Object.fromEntries(ids.map((id) => [id, names[named.indexOf(id)] ?? null])) };
    },
  );
};
