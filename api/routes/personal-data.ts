/**
 * Erasure of a client's personal data, crypto-shredding (docs/payload-encryption.md): ComplyCube
 * is asked to delete the client, then the client's data key is destroyed, on the record. Every
 * reason of the client reads `[erased]` from then on: in history, store and codec server alike.
 * AML record keeping decides when: never while an onboarding runs or an approved customer's
 * relationship lasts, and for an approved customer only the retention after it ended.
 */
import { ApplicationFailure } from '@temporalio/common';
import { yearsAfter, type RelationshipState } from '../../store/ledger-purge';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { AUTH_ERRORS, errors, UNAVAILABLE } from '../schemas/common';
import { clientIdParams, erasureSchema } from '../schemas/personal-data';
import type { RouteGroup } from './plugin';

/** When the client may be erased under the retention rules; throws 404 or 409 otherwise. */
function erasableFrom(context: ApiContext, relationship: RelationshipState): Date {
  const { retentionYears, unapproved } = context.erasure;
  const after = (at: string) => yearsAfter(at, retentionYears);
  switch (relationship.state) {
    case 'unknown':
      throw new HttpError(404, 'client_not_found', 'Nothing on the record for this client');
    case 'running':
      throw new HttpError(409, 'onboarding_running', 'An onboarding of this client is running: withdraw it first');
    case 'active':
      throw new HttpError(
        409,
        'retention_applies',
        'An approved customer’s records are kept while the relationship lasts: record its end first ' +
          '(POST /v1/onboardings/:id/relationship-end)',
      );
    case 'ended':
      return after(relationship.endedAt);
    case 'not_approved':
      return unapproved === 'after_retention' ? after(relationship.decidedAt) : new Date(relationship.decidedAt);
  }
}

export const personalDataRoutes: RouteGroup = async (app, { context }) => {
  app.delete(
    '/v1/clients/:clientId/personal-data',
    {
      onRequest: context.requireRole('service', 'senior_reviewer'),
      schema: {
        summary:
          'Erases a client’s personal data: ComplyCube deletes the client, and the data key of its reasons is ' +
          'destroyed; decisions, IDs and the ledger stay and still verify. Repeated, it answers the first erasure',
        params: clientIdParams,
        response: {
          200: erasureSchema,
          ...errors({
            400: 'Not a ComplyCube client ID',
            ...AUTH_ERRORS,
            404: 'client_not_found: nothing on the record for this client',
            409: 'onboarding_running, or retention_applies (details.erasableFrom when a date is known)',
            503: `${UNAVAILABLE}; ComplyCube unreachable (complycube_unavailable); or no keyring (codec_unavailable)`,
          }),
        },
      },
    },
    async (request) => {
      const { clientId } = request.params;
      if (!context.personalData) {
        throw new HttpError(
          503,
          'codec_unavailable',
          'This API has no PAYLOAD_CODEC_KEYS: nothing is encrypted per client',
        );
      }
      const from = erasableFrom(context, await context.store.relationshipOf(clientId));
      if (from.getTime() > Date.now()) {
        throw new HttpError(
          409,
          'retention_applies',
          `AML retention keeps this client’s records until ${from.toISOString()}`,
          {
            erasableFrom: from.toISOString(),
          },
        );
      }
      let complyCube: 'deleted' | 'not_found' | 'not_configured' = 'not_configured';
      if (context.complyCube) {
        try {
          complyCube = await context.complyCube.deleteClient(clientId);
        } catch (error) {
          // Nothing destroyed yet: the erasure can be retried whole.
          const type = error instanceof ApplicationFailure ? error.type : undefined;
          throw new HttpError(
            503,
            'complycube_unavailable',
            `ComplyCube did not delete the client (${type ?? 'error'})`,
          );
        }
      }
      const actor = request.principal!.name;
      const erasedAt = await context.store.eraseClientDataKey({ clientId, actor, detail: { complyCube } });
      request.log.info({ clientId, complyCube }, 'Personal data erased');
      return { clientId, erasedAt, complyCube };
    },
  );
};
