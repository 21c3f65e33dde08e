import { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptedKey } from '../api-gate';
import { controlBody, objectBody, optionalString, requiredId } from '../http-fields';
import { createAddress } from '../resources/addresses';
import { createClient } from '../resources/clients';
import { createDocument, uploadImage } from '../resources/documents';
import { createLiveVideo } from '../resources/live-videos';
import { type EmulatorState } from '../state';

/** A 1x1 JPEG, enough for the emulator's image check. */
export const FRONT_IMAGE =
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AN//Z';

const applicantBodySchema = z.strictObject({
  /** `attention` and `failed` are the sandbox's triggers. */
  lastName: z.string().min(1).default('Applicant'),
  email: z.string().default('applicant@example.com'),
});

/** The IDs an onboarding needs, as `POST /_emulator/applicants` answers. */
export interface SeededApplicantIds {
  clientId: string;
  addressId: string;
  documentId: string;
  liveVideoId: string;
}

/**
 * A person client with a UK address, a passport with a front image and a live video, made
 * through the same validation as ComplyCube's endpoints but in one step.
 */
function seedApplicant(state: EmulatorState, body: z.infer<typeof applicantBodySchema>): SeededApplicantIds {
  const client = createClient(state, {
    type: 'person',
    email: body.email,
    personDetails: { firstName: 'Test', lastName: body.lastName, dob: '1990-01-01' },
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
  uploadImage(document, 'front', { fileName: 'passport-front.jpg', data: FRONT_IMAGE });
  const liveVideo = createLiveVideo(state, clientId);
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
