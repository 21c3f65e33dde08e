import { type FastifyInstance } from 'fastify';
import { resetState, type EmulatorState } from '../state';

/** Control routes that show what the API received and delivered, and that forget it all. */
export function registerInspectionControls(app: FastifyInstance, state: EmulatorState): void {
  app.get<{ Querystring: { clientId?: string } }>('/_emulator/requests', async (request) => {
    const { clientId } = request.query;
    const items = clientId ? state.requests.filter((r) => r.clientId === clientId) : state.requests;
    const byRoute: Record<string, number> = {};
    for (const r of items) byRoute[`${r.method} ${r.route}`] = (byRoute[`${r.method} ${r.route}`] ?? 0) + 1;
    return { total: items.length, byRoute, items };
  });

  app.get<{ Querystring: { eventType?: string } }>('/_emulator/webhook-deliveries', async (request) => {
    const { eventType } = request.query;
    return { items: state.dispatcher.deliveries.filter((d) => !eventType || d.eventType === eventType) };
  });

  app.post('/_emulator/reset', async (_request, reply) => {
    resetState(state);
    return reply.code(204).send();
  });
}
