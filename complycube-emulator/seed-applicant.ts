/**
 * Creates a complete applicant in a ComplyCube sandbox (the emulator): a person client,
 * a UK address, a passport with a front image, and a live video. Returns the IDs an
 * onboarding needs. Uses the emulator's control route for the live video, which
 * ComplyCube's own API cannot create.
 */
export interface SeededApplicant {
  clientId: string;
  addressId: string;
  documentId: string;
  liveVideoId: string;
}

/** A 1x1 JPEG, enough for the emulator's image check. */
const FRONT_IMAGE =
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AN//Z';

export async function seedApplicant(
  baseUrl: string,
  apiKey: string,
  options: { lastName?: string; email?: string } = {},
): Promise<SeededApplicant> {
  const root = baseUrl.replace(/\/v1\/?$/, '');
  const call = async (path: string, body: unknown, auth = true): Promise<{ id: string }> => {
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(`${root}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: apiKey } : {}) },
        body: JSON.stringify(body),
      });
      // The sandbox allows 5 requests a second: wait and try again, as a real integration would.
      if (response.status === 429 && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
        continue;
      }
      if (!response.ok) throw new Error(`seeding ${path} failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    }
  };
  const client = await call('/v1/clients', {
    type: 'person',
    email: options.email ?? 'applicant@example.com',
    personDetails: { firstName: 'Test', lastName: options.lastName ?? 'Applicant', dob: '1990-01-01' },
  });
  const address = await call('/v1/addresses', {
    clientId: client.id,
    line: '1 Test Street',
    city: 'London',
    postalCode: 'EC1A 1AA',
    country: 'GB',
  });
  const document = await call('/v1/documents', { clientId: client.id, type: 'passport', issuingCountry: 'GB' });
  await call(`/v1/documents/${document.id}/upload/front`, { fileName: 'passport-front.jpg', data: FRONT_IMAGE });
  const liveVideo = await call('/_emulator/live-videos', { clientId: client.id }, false);
  return { clientId: client.id, addressId: address.id, documentId: document.id, liveVideoId: liveVideo.id };
}

/** Registers a webhook for check completion and failure; returns its ID and its secret (shown only now). */
export async function registerWebhook(
  baseUrl: string,
  apiKey: string,
  url: string,
  description?: string,
): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/webhooks`, {
    method: 'POST',
    headers: { Authorization: apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url, events: ['check.completed', 'check.failed'], ...(description ? { description } : {}) }),
  });
  if (!response.ok) throw new Error(`registering the webhook failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; secret: string };
}
