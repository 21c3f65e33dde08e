import { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type CheckType } from '../../complycube/schemas';
import { behaviourFor, checkBehaviourSchema, completeNow, presentCheck } from '../check-lifecycle';
import { invalid } from '../http-errors';
import { controlBody, getOr404 } from '../http-fields';
import { ANALYSES } from '../results';
import { type CheckBehaviour, type EmulatorState } from '../state';

const behaviourBodySchema = z.strictObject({
  identity_fraud_check: checkBehaviourSchema.optional(),
  enhanced_identity_check: checkBehaviourSchema.optional(),
});

/** Control routes that decide how checks end: per client, or for one pending check now. */
export function registerOutcomeControls(app: FastifyInstance, state: EmulatorState): void {
  app.post<{ Params: { clientId: string } }>('/_emulator/clients/:clientId/behaviour', async (request) => {
    const client = getOr404(state.clients, request.params.clientId, 'client');
    const body = controlBody(request.body, behaviourBodySchema);
    const entries = Object.entries(body) as [CheckType, CheckBehaviour][];
    for (const [type, behaviour] of entries) {
      const unknown = (behaviour.attention ?? []).filter((path) => !ANALYSES[type].includes(path));
      if (unknown.length) throw invalid(`${type}.attention`, `unknown analyses: ${unknown.join(', ')}`);
    }
    const merged = { ...state.behaviours.get(client.id) };
    for (const [type, behaviour] of entries) merged[type] = { ...merged[type], ...behaviour };
    state.behaviours.set(client.id, merged);
    return merged;
  });

  app.post<{ Params: { id: string } }>('/_emulator/checks/:id/complete', async (request) => {
    const check = getOr404(state.checks, request.params.id, 'check');
    const body = controlBody(request.body, checkBehaviourSchema.pick({ outcome: true, attention: true }));
    const behaviour = behaviourFor(state, check);
    const outcome = body.outcome ?? behaviour.outcome;
    completeNow(state, check, {
      outcome,
      attention: outcome === 'attention' ? (body.attention ?? behaviour.attention) : [],
    });
    return presentCheck(check);
  });
}
