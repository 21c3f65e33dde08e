/** Liveness and readiness. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context';

export function healthRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
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
    return reply
      .code(temporalUp && storeUp ? 200 : 503)
      .send({ status: temporalUp && storeUp ? 'ready' : 'not_ready', temporal: temporalUp, store: storeUp });
  });
}
