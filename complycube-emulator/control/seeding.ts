import { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptedKey } from '../api-gate';
import { controlBody, objectBody, optionalString, requiredId } from '../http-fields';
import { createAddress } from '../resources/addresses';
import { createClient } from '../resources/clients';
import { createDocument, uploadImage } from '../resources/documents';
import { createLivePhoto } from '../resources/live-photos';
import { createLiveVideo } from '../resources/live-videos';
import { type EmulatorState } from '../state';
import { syntheticFacePng, syntheticPassportPng } from '../synthetic-images';

/** A 1x1 JPEG, enough for the emulator's image check: a resubmitted document's front, say. */
export const FRONT_IMAGE =
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AN//Z';

const applicantBodySchema = z.strictObject({
  firstName: z.string().min(1).default('Test'),
  /** `attention` and `failed` are the sandbox's triggers. */
  lastName: z.string().min(1).default('Applicant'),
  email: z.string().default('applicant@example.com'),
  nationality: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('GB'),
  dob: z.iso.date().default('1990-01-01'),
});

/** The IDs an onboarding needs, as `POST /_emulator/applicants` answers. */
export interface SeededApplicantIds {
  clientId: string;
  addressId: string;
  documentId: string;
  liveVideoId: string;
}

/**
 * A person client with a UK address, a passport with a front image, a live video and a live photo
 * (the images synthetic, `synthetic-images.ts`), made through the same validation as ComplyCube's
 * endpoints but in one step.
 */
function seedApplicant(state: EmulatorState, body: z.infer<typeof applicantBodySchema>): SeededApplicantIds {
  const client = createClient(state, {
    type: 'person',
    email: body.email,
    personDetails: { firstName: body.firstName, lastName: body.lastName, dob: body.dob, nationality: body.nationality },
  });
  const clientId = client.id;
  const address = createAddress(state, {
    clientId,
    line: '1 Test Street',
    city: 'London',
    postalCode: 'EC1A 1AA',
    country: 'GB',
  });
  const document = createDocument(state, { clientId, type: 'passport', issuingCountry: 'GB' });
  uploadImage(document, 'front', { fileName: 'passport-front.png', data: syntheticPassportPng().toString('base64') });
  const liveVideo = createLiveVideo(state, clientId);
  createLivePhoto(state, { clientId, data: syntheticFacePng().toString('base64') });
  return { clientId, addressId: address.id, documentId: document.id, liveVideoId: liveVideo.id };
}

/**
 * Control routes that make test applicants. They stand outside ComplyCube's API, so they are
 * neither rate limited nor logged: seeding is set-up, not the product's traffic.
 */
export function registerSeedingControls(app: FastifyInstance, state: EmulatorState): void {
  app.post('/_emulator/applicants', async (request) => {
    // No key is needed; one that is sent must be one the API accepts, so seeding with the
    // product's wrong key fails here as the product would.
    if (request.headers.authorization !== undefined) acceptedKey(state, request.headers.authorization);
    return seedApplicant(state, controlBody(request.body, applicantBodySchema));
  });

  app.post('/_emulator/live-videos', async (request) => {
    const body = objectBody(request);
    return createLiveVideo(state, requiredId(body, 'clientId'), optionalString(body, 'language'));
  });
}
