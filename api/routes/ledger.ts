/**
 * The ledger for auditors (docs/ledger.md): one onboarding's record, every run's entries with
 * their hashes, to keep or hand to a regulator; and the whole chain verified a page at a time,
 * so a client shows progress on a large ledger and no request runs for minutes.
 */
import { isPersonalRef } from '../../security/personal-data';
import { verifyCaseRecord } from '../../store/ledger-record';
import { DESK_ROLES } from '../auth';
import { HttpError } from '../errors';
import { AUTH_ERRORS, errors, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import {
  caseRecordSchema,
  ledgerVerifyQuery,
  ledgerVerifySchema,
  relationshipEndBody,
  relationshipEndSchema,
} from '../schemas/ledger';
import type { RouteGroup } from './plugin';

/** How far ahead of this clock a caller's `endedAt` may be. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const ledgerRoutes: RouteGroup = async (app, { context }) => {
  app.get(
    '/v1/onboardings/:onboardingId/record',
    {
      // The bodies as hashed: reasons stay references, so the record verifies anywhere.
      config: { keepPersonalRefs: true },
      onRequest: context.requireRole(...DESK_ROLES),
      schema: {
        summary: "The case record: everything the ledger holds for one onboarding, every run's, with hashes",
        params: onboardingIdParams,
        response: {
          200: caseRecordSchema,
          ...errors({ 400: 'Not an onboarding ID', ...AUTH_ERRORS, 404: 'Nothing on the ledger', 503: UNAVAILABLE }),
        },
      },
    },
    async (request, reply) => {
      const { onboardingId } = request.params;
      const entries = await context.store.ledgerEntriesFor(onboardingId);
      if (entries.length === 0) throw new HttpError(404, 'onboarding_not_found', 'Nothing on the ledger for this ID');
      const verdict = verifyCaseRecord({ onboardingId, entries });
      reply.header('cache-control', 'no-store');
      const refs = [...new Set(entries.flatMap((e) => Object.values(e.body).filter(isPersonalRef)))];
      const texts = context.personalData ? await context.personalData.texts(refs) : undefined;
      return {
        onboardingId,
        entries,
        ...(texts && refs.length ? { texts } : {}),
        verification: verdict.ok
          ? { ok: true, count: verdict.count }
          : { ok: false, count: verdict.count, firstBroken: verdict.firstBroken.seq },
      };
    },
  );

  app.post(
    '/v1/onboardings/:onboardingId/relationship-end',
    {
      onRequest: context.requireRole('service'),
      schema: {
        summary:
          'An approved customer’s relationship ended: the ledger records it, and retention runs from it ' +
          '(docs/ledger.md); repeated, it answers the entry first recorded',
        params: onboardingIdParams,
        body: relationshipEndBody,
        response: {
          200: relationshipEndSchema,
          ...errors({
            400: 'Not an onboarding ID, or endedAt is not a time or in the future',
            ...AUTH_ERRORS,
            404: 'Nothing on the ledger for this ID',
            409: 'not_approved: its latest run has not been approved, so no relationship began',
            503: UNAVAILABLE,
          }),
        },
      },
    },
    async (request) => {
      const { onboardingId } = request.params;
      const endedAt = new Date(request.body.endedAt ?? Date.now());
      if (endedAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
        throw new HttpError(400, 'invalid_request', 'endedAt is in the future');
      }
      const actor = request.principal?.name ?? null;
      const end = await context.store.recordRelationshipEnd({ onboardingId, actor, endedAt: endedAt.toISOString() });
      if (!end.ok && end.problem === 'not_found') {
        throw new HttpError(404, 'onboarding_not_found', 'Nothing on the ledger for this ID');
      }
      if (!end.ok) throw new HttpError(409, 'not_approved', 'Its latest run has not been approved');
      return { onboardingId, entry: end.entry };
    },
  );

  app.get(
    '/v1/ledger/verify',
    {
      onRequest: context.requireRole('auditor', 'senior_reviewer'),
      schema: {
        summary:
          'Verify the ledger, a page at a time: each entry’s hash recomputed, each link to the one before, ' +
          'no gap; follow nextSeq to the end',
        querystring: ledgerVerifyQuery,
        response: {
          200: ledgerVerifySchema,
          ...errors({ 400: 'Invalid fromSeq or limit', ...AUTH_ERRORS, 503: UNAVAILABLE }),
        },
      },
    },
    async (request, reply) => {
      const { fromSeq, limit } = request.query;
      const verdict = await context.store.verifyLedgerPage({ fromSeq, limit });
      reply.header('cache-control', 'no-store');
      return verdict;
    },
  );
};
