import { type FastifyInstance } from 'fastify';
import { invalid, notFound } from '../http-errors';
import {
  getOr404,
  newestFirst,
  newId,
  now,
  objectBody,
  ownedBy,
  paginate,
  requiredId,
  type Body,
  type Query,
} from '../http-fields';
import { type EmulatorState, type StoredLivePhoto } from '../state';
import { readableImage } from './documents';

/** A live photo as ComplyCube shows it: its details, never its bytes. */
export const presentLivePhoto = ({ data: _bytes, ...livePhoto }: StoredLivePhoto) => livePhoto;

/**
 * `POST /v1/livePhotos`: a JPEG or PNG, in base64, of the client's face. ComplyCube documents a
 * 34 KB minimum size for these uploads; the emulator does not enforce it, since the synthetic
 * images it is given (`synthetic-images.ts`) are a few kilobytes.
 */
export function createLivePhoto(state: EmulatorState, body: Body): StoredLivePhoto {
  const clientId = requiredId(body, 'clientId');
  if (!state.clients.has(clientId)) throw notFound('client', 'clientId');
  const performLivenessCheck = body.performLivenessCheck ?? false;
  if (typeof performLivenessCheck !== 'boolean') {
    throw invalid('performLivenessCheck', '"performLivenessCheck" must be a boolean');
  }
  const { data, size, contentType } = readableImage(body, ['image/jpeg', 'image/png']);
  const t = now();
  const id = newId();
  const livePhoto: StoredLivePhoto = {
    id,
    clientId,
    downloadLink: `/livePhotos/${id}/download`,
    contentType,
    performLivenessCheck,
    size,
    data,
    createdAt: t,
    updatedAt: t,
  };
  state.livePhotos.set(id, livePhoto);
  return livePhoto;
}

export function registerLivePhotoRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/v1/livePhotos', async (request) => {
    const livePhoto = createLivePhoto(state, objectBody(request));
    ownedBy(request, livePhoto.clientId);
    return presentLivePhoto(livePhoto);
  });

  app.get<{ Params: { id: string } }>('/v1/livePhotos/:id', async (request) => {
    const livePhoto = getOr404(state.livePhotos, request.params.id, 'live photo');
    ownedBy(request, livePhoto.clientId);
    return presentLivePhoto(livePhoto);
  });

  app.get<{ Querystring: Query }>('/v1/livePhotos', async (request) => {
    const clientId = request.query.clientId;
    ownedBy(request, clientId);
    return paginate(
      newestFirst(state.livePhotos.values())
        .filter((photo) => photo.clientId === clientId)
        .map(presentLivePhoto),
      request.query,
    );
  });

  // As a document image's: `{fileName, contentType, data}`, data in base64.
  app.get<{ Params: { id: string } }>('/v1/livePhotos/:id/download', async (request) => {
    const livePhoto = getOr404(state.livePhotos, request.params.id, 'live photo');
    ownedBy(request, livePhoto.clientId);
    const extension = livePhoto.contentType === 'image/png' ? 'png' : 'jpg';
    return { fileName: `${livePhoto.id}.${extension}`, contentType: livePhoto.contentType, data: livePhoto.data };
  });
}
