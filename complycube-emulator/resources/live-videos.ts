import { type FastifyInstance } from 'fastify';
import { notFound } from '../http-errors';
import { getOr404, newestFirst, newId, now, ownedBy, paginate, type Query } from '../http-fields';
import { type EmulatorState, type Stored } from '../state';

/**
 * A live video for the client, as ComplyCube's capture SDKs would leave one: its API has no
 * create endpoint, so the emulator makes them through its control routes.
 */
export function createLiveVideo(state: EmulatorState, clientId: string, language = 'en'): Stored {
  if (!state.clients.has(clientId)) throw notFound('client', 'clientId');
  const t = now();
  const video: Stored = {
    id: newId(),
    clientId,
    language,
    challenges: [
      { type: 'head_movement', value: 'left' },
      { type: 'recite_digits', value: '7462' },
    ],
    createdAt: t,
    updatedAt: t,
  };
  state.liveVideos.set(video.id, video);
  return video;
}

export function registerLiveVideoRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get<{ Params: { id: string } }>('/v1/liveVideos/:id', async (request) => {
    const video = getOr404(state.liveVideos, request.params.id, 'live video');
    ownedBy(request, video.clientId as string);
    return video;
  });

  app.get<{ Querystring: Query }>('/v1/liveVideos', async (request) => {
    const clientId = request.query.clientId;
    ownedBy(request, clientId);
    return paginate(
      newestFirst(state.liveVideos.values()).filter((v) => v.clientId === clientId),
      request.query,
    );
  });
}
