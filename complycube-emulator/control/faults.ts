import { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { addFault, faultBodySchema } from '../api-gate';
import { controlBody } from '../http-fields';
import { type EmulatorState } from '../state';
import { type WebhookFaultMode } from '../webhook-dispatcher';

const rateLimitBodySchema = z.strictObject({ perSecond: z.number().min(0).max(10_000) });

const webhookFaultBodySchema = z.strictObject({
  mode: z.enum(['drop', 'duplicate', 'delay', 'reorder'] satisfies WebhookFaultMode[]),
  count: z.number().int().min(1).default(1),
  delayMs: z.number().int().min(0).default(500),
});

/** Control routes that make the API or its webhooks misbehave, and that set the rate limit. */
export function registerFaultControls(app: FastifyInstance, state: EmulatorState): void {
  app.post('/_emulator/faults', async (request) => addFault(state, controlBody(request.body, faultBodySchema)));

  app.get('/_emulator/faults', async () => state.faults.filter((f) => f.remaining > 0));

  app.delete('/_emulator/faults', async (_request, reply) => {
    state.faults.length = 0;
    state.dispatcher.clearFaults();
    return reply.code(204).send();
  });

  app.post('/_emulator/webhook-faults', async (request) => {
    const body = controlBody(request.body, webhookFaultBodySchema);
    const fault = { mode: body.mode, remaining: body.count, delayMs: body.delayMs };
    state.dispatcher.faults.push(fault);
    return fault;
  });

  // The rate limit, changed at run time (0: none).
  app.get('/_emulator/rate-limit', async () => ({ perSecond: state.rateLimitPerSecond }));
  app.put('/_emulator/rate-limit', async (request) => {
    state.rateLimitPerSecond = controlBody(request.body, rateLimitBodySchema).perSecond;
    state.recentRequests.clear();
    return { perSecond: state.rateLimitPerSecond };
  });
}
