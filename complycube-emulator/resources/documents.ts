import { type FastifyInstance } from 'fastify';
import { ApiError, compact, invalid, notFound } from '../http-errors';
import {
  getOr404,
  newId,
  now,
  objectBody,
  oneOf,
  optionalString,
  ownedBy,
  requiredId,
  requiredString,
  type Body,
} from '../http-fields';
import { type EmulatorState, type Stored, type StoredDocument } from '../state';

const DOCUMENT_TYPES = [
  'passport',
  'driving_license',
  'national_insurance_number',
  'social_security_number',
  'tax_identification_number',
  'utility_bill',
  'national_identity_card',
  'visa',
  'polling_card',
  'residence_permit',
  'birth_certificate',
  'bank_statement',
  'change_of_name',
  'tax_document',
  'company_confirmation_statement',
  'company_annual_accounts',
  'company_statement_of_capital',
  'company_change_of_address',
  'company_incorporation',
  'company_change_of_officers',
  'company_change_of_beneficial_owners',
  'unidentified',
  'other',
] as const;

const IMAGE_TYPES = [
  { magic: Buffer.from([0xff, 0xd8, 0xff]), contentType: 'image/jpeg' },
  { magic: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' },
  { magic: Buffer.from('%PDF'), contentType: 'application/pdf' },
] as const;
type ImageContentType = (typeof IMAGE_TYPES)[number]['contentType'];

/** The body's base64 `data`, which must be one of `accepted` by its magic number, else 422 `image_unreadable`. */
export function readableImage(
  body: Body,
  accepted: readonly ImageContentType[],
): { data: string; size: number; contentType: ImageContentType } {
  const data = requiredString(body, 'data');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    throw new ApiError(422, 'image_unreadable', 'The image data is not valid base64', 'data');
  }
  const bytes = Buffer.from(data, 'base64');
  const imageType = IMAGE_TYPES.find(({ magic }) => bytes.subarray(0, magic.length).equals(magic));
  if (!imageType || !accepted.includes(imageType.contentType)) {
    throw new ApiError(422, 'image_unreadable', 'The image could not be read', 'data');
  }
  return { data, size: bytes.length, contentType: imageType.contentType };
}

function documentSide(side: string): 'front' | 'back' {
  if (side !== 'front' && side !== 'back') throw invalid('documentSide', '"documentSide" must be front or back');
  return side;
}

/** A document as ComplyCube shows it: its images' details, never their bytes. */
export const presentDocument = (document: StoredDocument) => {
  const { images, imageData: _bytes, ...rest } = document;
  return compact({ ...rest, images: Object.values(images) });
};

/** `POST /v1/documents`, validated as ComplyCube does. */
export function createDocument(state: EmulatorState, body: Body): StoredDocument {
  const clientId = requiredId(body, 'clientId');
  if (!state.clients.has(clientId)) throw notFound('client', 'clientId');
  const type = oneOf(body, 'type', DOCUMENT_TYPES);
  const issuingCountry = optionalString(body, 'issuingCountry');
  if (issuingCountry !== undefined && !/^[A-Z]{2}$/.test(issuingCountry)) {
    throw invalid('issuingCountry', '"issuingCountry" must be an ISO 3166-1 alpha-2 code');
  }
  const t = now();
  const document: StoredDocument = {
    id: newId(),
    clientId,
    type,
    classification: optionalString(body, 'classification'),
    issuingCountry,
    images: {},
    imageData: {},
    createdAt: t,
    updatedAt: t,
  };
  state.documents.set(document.id, document);
  return document;
}

/** `POST /v1/documents/:id/upload/:side`: a readable JPEG, PNG or PDF, in base64, replaces that side. */
export function uploadImage(document: StoredDocument, sideParam: string, body: Body): Stored {
  const side = documentSide(sideParam);
  const fileName = requiredString(body, 'fileName');
  const { data, size, contentType } = readableImage(body, ['image/jpeg', 'image/png', 'application/pdf']);
  const t = now();
  const id = newId();
  const image: Stored = {
    id,
    fileName,
    documentSide: side,
    // ComplyCube's documented form: the image's own ID, not its side.
    downloadLink: `/documents/${document.id}/images/${id}/download`,
    contentType,
    size,
    createdAt: t,
    updatedAt: t,
  };
  document.images[side] = image;
  document.imageData[side] = data;
  document.updatedAt = t;
  return image;
}

export function registerDocumentRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/v1/documents', async (request) => {
    const document = createDocument(state, objectBody(request));
    ownedBy(request, document.clientId);
    return presentDocument(document);
  });

  app.get<{ Params: { id: string } }>('/v1/documents/:id', async (request) => {
    const document = getOr404(state.documents, request.params.id, 'document');
    ownedBy(request, document.clientId);
    return presentDocument(document);
  });

  app.post<{ Params: { id: string; side: string } }>('/v1/documents/:id/upload/:side', async (request) => {
    const document = getOr404(state.documents, request.params.id, 'document');
    ownedBy(request, document.clientId);
    return uploadImage(document, request.params.side, objectBody(request));
  });

  // ComplyCube answers an image's bytes in JSON: `{fileName, contentType, data}`, data in base64.
  app.get<{ Params: { id: string; side: string } }>('/v1/documents/:id/download/:side', async (request) => {
    const document = getOr404(state.documents, request.params.id, 'document');
    ownedBy(request, document.clientId);
    const side = documentSide(request.params.side);
    const image = document.images[side];
    const data = document.imageData[side];
    if (!image || data === undefined) throw notFound('image');
    return { fileName: image.fileName, contentType: image.contentType, data };
  });
}
