/**
 * What the reviewer's applicant view reads (docs/reviewer-view.md), against the emulator: image
 * downloads and live photos as ComplyCube serves them (driven by the official SDK), seeded applicants
 * with a synthetic passport and face, and our client's reads of each, counted by operation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ComplyCube } from '@complycube/api';
import { ApplicationFailure } from '@temporalio/common';
import {
  downloadDocumentImage,
  downloadLivePhoto,
  getClient,
  getDocument,
  getLiveVideo,
  listLivePhotos,
} from '../complycube/applicant-reads';
import { shownImage } from '../api/applicant-view';
import { ComplyCubeClient, ComplyCubeFailure } from '../complycube/client';
import { createEmulator, type Emulator } from '../complycube-emulator/emulator';
import { seedApplicant } from '../complycube-emulator/seed-applicant';
import { syntheticFacePng, syntheticPassportPng } from '../complycube-emulator/synthetic-images';

const API_KEY = 'test_reads_key';

/** A PNG's width and height, from its IHDR chunk; fails on anything but a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the applicant’s images and live photos in the emulator, and our reads of them', () => {
  let emulator: Emulator;
  let baseUrl: string;
  let sdk: ComplyCube;
  const counted: string[] = [];
  let client: ComplyCubeClient;

  before(async () => {
    emulator = createEmulator({ apiKeys: [API_KEY], rateLimitPerSecond: 0 });
    baseUrl = await emulator.listen();
    sdk = new ComplyCube({ apiKey: API_KEY });
    sdk.axiosInstance.defaults.baseURL = baseUrl;
    client = new ComplyCubeClient({
      baseUrl,
      apiKey: API_KEY,
      metrics: { request: (operation, status) => counted.push(`${operation} ${status}`) },
    });
  });
  after(async () => {
    await emulator.close();
  });

  it('draws the same synthetic passport and face every time, at their sizes', () => {
    assert.deepEqual(pngSize(syntheticPassportPng()), { width: 480, height: 300 });
    assert.deepEqual(pngSize(syntheticFacePng()), { width: 240, height: 300 });
    assert.ok(syntheticPassportPng().equals(syntheticPassportPng()));
  });

  it('SDK: downloads the bytes an image was uploaded with, under its documented link; 404 for a missing side', async () => {
    const person = await sdk.client.create({
      type: 'person',
      email: 'reads@example.com',
      personDetails: { firstName: 'Read', lastName: 'Er' },
    });
    const document = await sdk.document.create(person.id, { type: 'passport', issuingCountry: 'GB' });
    const data = syntheticPassportPng().toString('base64');
    const image = await sdk.document.upload(document.id, { fileName: 'front.png', data }, 'front');
    assert.equal(image.downloadLink, `/documents/${document.id}/images/${image.id}/download`);
    const downloaded = await sdk.document.download(document.id, 'front');
    assert.deepEqual(downloaded, { fileName: 'front.png', contentType: 'image/png', data });
    const shown = (await sdk.document.get(document.id)) as unknown as Record<string, unknown>;
    assert.ok(!JSON.stringify(shown).includes(data.slice(0, 40)), 'the document never shows its bytes');

    const missing = await fetch(`${baseUrl}/documents/${document.id}/download/back`, {
      headers: { Authorization: API_KEY },
    });
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { type: string }).type, 'resource_not_found');
    const unknown = await fetch(`${baseUrl}/documents/${'0'.repeat(24)}/download/front`, {
      headers: { Authorization: API_KEY },
    });
    assert.equal(unknown.status, 404);
  });

  it('SDK: uploads, reads, lists newest first and downloads live photos; refuses a PDF', async () => {
    const person = await sdk.client.create({
      type: 'person',
      email: 'photo@example.com',
      personDetails: { firstName: 'Pho', lastName: 'To' },
    });
    const data = syntheticFacePng().toString('base64');
    const first = await sdk.livePhoto.upload(person.id, { data });
    assert.equal(first.downloadLink, `/livePhotos/${first.id}/download`);
    assert.equal(first.contentType, 'image/png');
    assert.equal(first.performLivenessCheck, false);
    assert.ok(!('data' in first), 'a live photo never shows its bytes');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await sdk.livePhoto.upload(person.id, { data, performLivenessCheck: true });
    assert.equal((await sdk.livePhoto.get(first.id)).id, first.id);
    assert.deepEqual(
      (await sdk.livePhoto.list(person.id)).map((photo) => photo.id),
      [second.id, first.id],
    );
    const downloaded = (await sdk.livePhoto.download(second.id)) as unknown as { contentType: string; data: string };
    assert.equal(downloaded.contentType, 'image/png');
    assert.equal(downloaded.data, data);

    const pdf = Buffer.from('%PDF-1.4').toString('base64');
    await assert.rejects(sdk.livePhoto.upload(person.id, { data: pdf }), (error: { statusCode?: number }) => {
      assert.equal(error.statusCode, 422);
      return true;
    });
  });

  it('seeds a named applicant with a synthetic passport and face, which our reads return, each counted', async () => {
    const seeded = await seedApplicant(baseUrl, API_KEY, { firstName: 'Quillon', lastName: 'Marsh' });
    const person = await getClient(client, seeded.clientId);
    assert.equal(person.type, 'person');
    assert.deepEqual(person.type === 'person' && person.personDetails, {
      firstName: 'Quillon',
      lastName: 'Marsh',
      dob: '1990-01-01',
      nationality: 'GB',
    });
    const document = await getDocument(client, seeded.documentId);
    assert.equal(document.type, 'passport');
    assert.equal(document.issuingCountry, 'GB');
    assert.deepEqual(
      document.images.map((image) => image.documentSide),
      ['front'],
    );
    const front = await downloadDocumentImage(client, seeded.documentId, 'front');
    assert.ok(Buffer.from(front.data, 'base64').equals(syntheticPassportPng()));
    const video = await getLiveVideo(client, seeded.liveVideoId);
    assert.ok(video.challenges.length > 0);
    const photos = await listLivePhotos(client, seeded.clientId, { pageSize: 1 });
    assert.equal(photos.items.length, 1);
    const face = await downloadLivePhoto(client, photos.items[0]!.id);
    assert.ok(Buffer.from(face.data, 'base64').equals(syntheticFacePng()));
    assert.deepEqual(counted, [
      'get_client 200',
      'get_document 200',
      'download_image 200',
      'get_live_video 200',
      'list_live_photos 200',
      'download_live_photo 200',
    ]);
  });

  it('classifies a missing object as NotFound, and checks IDs before any request', async () => {
    const failure = await getClient(client, 'a'.repeat(24)).catch((error: unknown) => error);
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, ComplyCubeFailure.NotFound);
    const invalid = await getDocument(client, '../checks').catch((error: unknown) => error);
    assert.ok(invalid instanceof ApplicationFailure);
    assert.equal(invalid.type, ComplyCubeFailure.InvalidArgument);
  });

  it('gives a browser only a JPEG or PNG whose bytes agree with what ComplyCube calls it', () => {
    const png = syntheticPassportPng().toString('base64');
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString('base64');
    const html = Buffer.from('<html><script>alert(1)</script>').toString('base64');
    const shown = (contentType: string, data: string) => shownImage({ fileName: 'x', contentType, data })?.contentType;
    assert.equal(shown('image/png', png), 'image/png');
    assert.equal(shown('image/jpg', jpeg), 'image/jpeg');
    assert.equal(shown('IMAGE/JPEG', jpeg), 'image/jpeg');
    assert.equal(shown('image/jpeg', png), undefined, 'a PNG called a JPEG');
    assert.equal(shown('image/png', html), undefined, 'HTML called a PNG');
    assert.equal(shown('image/svg+xml', html), undefined);
    assert.equal(shown('application/pdf', Buffer.from('%PDF-1.4').toString('base64')), undefined);
  });
});
