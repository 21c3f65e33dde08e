/** Liveness and readiness. */
import { healthSchema, readinessSchema } from '../schemas/service';
import type { RouteGroup } from './plugin';

export const healthRoutes: RouteGroup = async (app, { context }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        security: [],
        response: { 200: healthSchema.meta({ description: 'Alive' }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: Temporal and the decision store both answer',
        security: [],
        response: {
          200: readinessSchema.meta({ description: 'Ready' }),
          503: readinessSchema.meta({ description: 'Not ready: which dependency does not answer' }),
        },
      },
    },
    async (_request, reply) => {
      const [temporalUp, storeUp] = await Promise.all([
        context
          .withDeadline(() => context.temporal.workflowService.getSystemInfo({}))
          .then(
            () => true,
            () => false,
          ),
        context.store.ping().then(
          () => true,
          () => false,
        ),
      ]);
      const ready = temporalUp && storeUp;
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', temporal: temporalUp, store: storeUp });
    },
  );
};
