/**
 * The applicant as a reviewer sees them (docs/reviewer-view.md), read from ComplyCube: the client,
 * the document and its images, the live video, the live photos. Personal data: callers show it and
 * keep none of it. Each read (a rejection, invalid IDs included) goes through the client's own request path (paced toward the fleet's
 * rate limit, traced with IDs-only URLs, counted by operation) and is checked against its schema.
 */
import { z } from 'zod';
import type { ComplyCubeClient } from './client';
import { positiveInt, validId } from './failures';
import { complyCubeIdSchema, listSchema } from './schemas';

export const personDetailsSchema = z.looseObject({
  firstName: z.string(),
  middleName: z.string().optional(),
  lastName: z.string(),
  dob: z.string().optional(),
  nationality: z.string().optional(),
});

/** A client: a person, or a company. */
export const clientSchema = z.discriminatedUnion('type', [
  z.looseObject({ id: complyCubeIdSchema, type: z.literal('person'), personDetails: personDetailsSchema }),
  z.looseObject({
    id: complyCubeIdSchema,
    type: z.literal('company'),
    companyDetails: z.looseObject({ name: z.string() }),
  }),
]);
export type ComplyCubeClientRecord = z.infer<typeof clientSchema>;

export const documentImageSchema = z.looseObject({
  id: complyCubeIdSchema,
  documentSide: z.enum(['front', 'back']),
  contentType: z.string().optional(),
});

export const documentSchema = z.looseObject({
  id: complyCubeIdSchema,
  clientId: complyCubeIdSchema,
  type: z.string(),
  issuingCountry: z.string().optional(),
  // ComplyCube omits empty properties: a document without images has none.
  images: z.array(documentImageSchema).default([]),
});
export type ComplyCubeDocument = z.infer<typeof documentSchema>;

/** An image's bytes as ComplyCube answers a download: base64 in JSON. */
export const imageDownloadSchema = z.looseObject({
  fileName: z.string(),
  contentType: z.string(),
  data: z.string(),
});
export type ImageDownload = z.infer<typeof imageDownloadSchema>;

const challengeValueSchema = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]);

export const liveVideoSchema = z.looseObject({
  id: complyCubeIdSchema,
  clientId: complyCubeIdSchema,
  language: z.string().optional(),
  challenges: z.array(z.looseObject({ type: z.string(), value: challengeValueSchema.optional() })).default([]),
});
export type LiveVideo = z.infer<typeof liveVideoSchema>;

export const livePhotoSchema = z.looseObject({
  id: complyCubeIdSchema,
  clientId: complyCubeIdSchema,
  contentType: z.string().optional(),
  createdAt: z.string(),
});
export const livePhotoListSchema = listSchema(livePhotoSchema);
export type LivePhotoList = z.infer<typeof livePhotoListSchema>;

export const getClient = async (complyCube: ComplyCubeClient, clientId: string) =>
  complyCube.read('get_client', `clients/${validId('clientId', clientId)}`, clientSchema);

export const getDocument = async (complyCube: ComplyCubeClient, documentId: string) =>
  complyCube.read('get_document', `documents/${validId('documentId', documentId)}`, documentSchema);

export const downloadDocumentImage = async (complyCube: ComplyCubeClient, documentId: string, side: 'front' | 'back') =>
  complyCube.read(
    'download_image',
    `documents/${validId('documentId', documentId)}/download/${side}`,
    imageDownloadSchema,
  );

export const getLiveVideo = async (complyCube: ComplyCubeClient, liveVideoId: string) =>
  complyCube.read('get_live_video', `liveVideos/${validId('liveVideoId', liveVideoId)}`, liveVideoSchema);

/** One page of a client's live photos, newest first. */
export async function listLivePhotos(
  complyCube: ComplyCubeClient,
  clientId: string,
  page: { page?: number; pageSize?: number } = {},
): Promise<LivePhotoList> {
  const query = new URLSearchParams({ clientId: validId('clientId', clientId) });
  if (page.page !== undefined) query.set('page', String(positiveInt('page', page.page)));
  if (page.pageSize !== undefined) query.set('pageSize', String(positiveInt('pageSize', page.pageSize)));
  return complyCube.read('list_live_photos', `livePhotos?${query.toString()}`, livePhotoListSchema);
}

export const downloadLivePhoto = async (complyCube: ComplyCubeClient, livePhotoId: string) =>
  complyCube.read(
    'download_live_photo',
    `livePhotos/${validId('livePhotoId', livePhotoId)}/download`,
    imageDownloadSchema,
  );
