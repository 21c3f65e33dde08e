/**
 * The evidence behind a case: both checks' full results, read live from ComplyCube for the reviewer
 * who asks, each analysis's verdicts with those needing attention first. It holds the applicant's
 * personal data, so it is never written anywhere: not to Temporal, the store, or a log line.
 */
import type { Check } from '../../complycube/schemas';
import { stateOf } from '../context';
import { HttpError } from '../errors';
import { AUTH_ERRORS, errors, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { evidenceSchema, type AnalysisEvidence } from '../schemas/review';
import type { RouteGroup } from './plugin';
import { DESK_ROLES } from '../auth';

function analyses(check: Check): AnalysisEvidence[] {
  const breakdown = (check.result?.breakdown ?? {}) as Record<string, unknown>;
  const list = Object.entries(breakdown)
    .filter(([, value]) => typeof value === 'object' && value !== null)
    .map(([name, value]) => {
      const fields = value as Record<string, unknown>;
      const verdicts = Object.entries(fields)
        .filter(([, verdict]) => typeof verdict === 'string')
        .map(([field, verdict]) => ({ field, verdict: verdict as string }))
        .sort((a, b) => Number(b.verdict === 'attention') - Number(a.verdict === 'attention'));
      return {
        name,
        attention: verdicts.some((v) => v.verdict === 'attention'),
        verdicts,
        evidence: fields.breakdown ?? null,
      };
    });
  return list.sort((a, b) => Number(b.attention) - Number(a.attention));
}

export const evidenceRoutes: RouteGroup = async (app, { context }) => {
  app.get(
    '/v1/onboardings/:onboardingId/evidence',
    {
      onRequest: context.requireRole(...DESK_ROLES),
      schema: {
        summary:
          "Both checks' full results, read live from ComplyCube (reviewer; never stored, logged or cached: " +
          'Cache-Control: no-store)',
        params: onboardingIdParams,
        response: {
          200: evidenceSchema.meta({ description: 'The checks, analyses needing attention first' }),
          ...errors({
            400: 'Not an onboarding ID',
            ...AUTH_ERRORS,
            404: 'Unknown onboarding',
            503: `${UNAVAILABLE}; or evidence_unavailable: this API has no ComplyCube key`,
          }),
        },
      },
    },
    async (request, reply) => {
      const { onboardingId } = request.params;
      const complyCube = context.complyCube;
      if (!complyCube)
        throw new HttpError(503, 'evidence_unavailable', 'This API has no ComplyCube key to read evidence with');
      const state = await stateOf(context, onboardingId);
      const checks = state
        ? Object.values(state.checks)
        : ((await context.store.decisionsFor(onboardingId))[0]?.checks ?? undefined);
      if (!checks) throw new HttpError(404, 'onboarding_not_found', 'No onboarding with this ID');
      // Who looked at a person's evidence, and when, is on the record (never what they saw).
      const { name: actor, channel } = request.principal!;
      await context.securityLog.record(request, 'evidence_viewed', { actor, detail: { onboardingId, channel } });
      const items = await Promise.all(
        checks.map(async (check) => {
          if (!check.checkId) return { type: check.type, status: check.status, available: false as const };
          try {
            const live = await complyCube.getCheck(check.checkId);
            return {
              type: check.type,
              checkId: check.checkId,
              status: live.status,
              ...(live.result ? { outcome: live.result.outcome } : {}),
              available: true as const,
              analyses: analyses(live),
              createdAt: live.createdAt,
              updatedAt: live.updatedAt,
            };
          } catch {
            return { type: check.type, checkId: check.checkId, status: check.status, available: false as const };
          }
        }),
      );
      // Personal data: no cache anywhere between ComplyCube and the reviewer's screen.
      reply.header('cache-control', 'no-store');
      return { onboardingId, checks: items };
    },
  );
};
