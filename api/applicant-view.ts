/**
 * The applicant behind a case, read live from ComplyCube (docs/reviewer-view.md). The client is the
 * onboarding ID; the enhanced identity check (its ID from the run, or from the latest decision once
 * Temporal has forgotten the run) names the document and the live video it ran on, the resubmitted
 * ones after a resubmission. Nothing read here is kept, logged or put in a span or an error message.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  downloadDocumentImage,
  downloadLivePhoto,
  getClient,
  getDocument,
  getLiveVideo,
  listLivePhotos,
  type ImageDownload,
  type LiveVideo,
} from '../complycube/applicant-reads';
import { ComplyCubeFailure, type ComplyCubeClient } from '../complycube/client';
import type { EnhancedIdentityCheck } from '../complycube/schemas';
import { stateOf, type ApiContext } from './context';
import { HttpError } from './errors';
import { APPLICANT_PARTS, type ApplicantPart, type ApplicantView } from './schemas/applicant';

export const applicantPath = (onboardingId: string, image: 'document-front' | 'face') =>
  `/v1/onboardings/${onboardingId}/applicant/${image}`;

/** ComplyCube, or the 503 an API without a key answers. */
export function complyCubeOf(context: ApiContext): ComplyCubeClient {
  if (!context.complyCube) {
    throw new HttpError(503, 'evidence_unavailable', 'This API has no ComplyCube key to read evidence with');
  }
  return context.complyCube;
}

/**
 * The enhanced identity check's ID, from the run's state or else the latest decision: `{}` before
 * the check is made, undefined for an onboarding neither Temporal nor the store knows (404).
 */
export async function enhancedCheckOf(
  context: ApiContext,
  onboardingId: string,
): Promise<{ checkId?: string } | undefined> {
  const state = await stateOf(context, onboardingId);
  const checks = state
    ? Object.values(state.checks)
    : ((await context.store.decisionsFor(onboardingId))[0]?.checks ?? undefined);
  if (!checks) return undefined;
  const checkId = checks.find((check) => check.type === 'enhanced_identity_check')?.checkId;
  return checkId ? { checkId } : {};
}

/** The check as ComplyCube has it, when it is an enhanced identity check. */
async function readEnhancedCheck(
  complyCube: ComplyCubeClient,
  checkId: string | undefined,
): Promise<EnhancedIdentityCheck | undefined> {
  if (!checkId) return undefined;
  const check = await complyCube.getCheck(checkId);
  return check.type === 'enhanced_identity_check' ? check : undefined;
}

const challengeText = (value: LiveVideo['challenges'][number]['value']): string =>
  Array.isArray(value) ? value.join(' ') : value === undefined ? '' : String(value);

/** Each part read on its own: one ComplyCube could not give is null and named in `unavailable`. */
export async function readApplicant(
  complyCube: ComplyCubeClient,
  onboardingId: string,
  checkId: string | undefined,
): Promise<ApplicantView> {
  const unavailable = new Set<ApplicantPart>();
  const part = async <T>(name: ApplicantPart, read: () => Promise<T | null>): Promise<T | null> => {
    try {
      return await read();
    } catch {
      unavailable.add(name);
      return null;
    }
  };
  // Read once for the two parts that need it: each sees its failure.
  const check = readEnhancedCheck(complyCube, checkId);

  const [person, document, liveVideo, face] = await Promise.all([
    part('person', async () => {
      const client = await getClient(complyCube, onboardingId);
      if (client.type !== 'person') return null;
      const { firstName, middleName, lastName, dob, nationality } = client.personDetails;
      return { firstName, middleName, lastName, dob, nationality };
    }),
    part('document', async () => {
      const documentId = (await check)?.documentId;
      if (!documentId) return null;
      const found = await getDocument(complyCube, documentId);
      const hasFront = found.images.some((image) => image.documentSide === 'front');
      return {
        documentId,
        type: found.type,
        issuingCountry: found.issuingCountry,
        frontImage: hasFront ? applicantPath(onboardingId, 'document-front') : null,
      };
    }),
    part('liveVideo', async () => {
      const liveVideoId = (await check)?.liveVideoId;
      if (!liveVideoId) return null;
      const video = await getLiveVideo(complyCube, liveVideoId);
      return {
        liveVideoId,
        language: video.language,
        challenges: video.challenges.map(({ type, value }) => ({ type, value: challengeText(value) })),
      };
    }),
    part('face', async () => {
      const newest = (await listLivePhotos(complyCube, onboardingId, { pageSize: 1 })).items[0];
      return newest ? { livePhotoId: newest.id, image: applicantPath(onboardingId, 'face') } : null;
    }),
  ]);
  return {
    onboardingId,
    person,
    document,
    liveVideo,
    face,
    unavailable: APPLICANT_PARTS.filter((name) => unavailable.has(name)),
  };
}

/** The image types a reviewer's browser is given, each with the magic number its bytes must start with. */
const SHOWN_IMAGES = [
  { contentTypes: ['image/jpeg', 'image/jpg'], answerAs: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  { contentTypes: ['image/png'], answerAs: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
] as const;

/** The image as a browser may be given it: a JPEG or PNG by both ComplyCube's word and its bytes; else undefined. */
export function shownImage(download: ImageDownload): { contentType: string; bytes: Buffer } | undefined {
  const claimed = download.contentType.toLowerCase();
  const kind = SHOWN_IMAGES.find(({ contentTypes }) => (contentTypes as readonly string[]).includes(claimed));
  if (!kind) return undefined;
  const bytes = Buffer.from(download.data, 'base64');
  if (!bytes.subarray(0, kind.magic.length).equals(Buffer.from(kind.magic))) return undefined;
  return { contentType: kind.answerAs, bytes };
}

/**
 * One of the applicant's images, as ComplyCube gives it: the check's document's front, or the
 * client's newest live photo. Undefined when there is none; a 503 when ComplyCube cannot answer
 * (its message, which might quote the applicant, is not passed on).
 */
export async function readApplicantImage(
  complyCube: ComplyCubeClient,
  onboardingId: string,
  checkId: string | undefined,
  image: 'document-front' | 'face',
): Promise<ImageDownload | undefined> {
  try {
    if (image === 'face') {
      const newest = (await listLivePhotos(complyCube, onboardingId, { pageSize: 1 })).items[0];
      return newest ? await downloadLivePhoto(complyCube, newest.id) : undefined;
    }
    const documentId = (await readEnhancedCheck(complyCube, checkId))?.documentId;
    if (!documentId) return undefined;
    const document = await getDocument(complyCube, documentId);
    if (!document.images.some((each) => each.documentSide === 'front')) return undefined;
    return await downloadDocumentImage(complyCube, documentId, 'front');
  } catch (error) {
    if (error instanceof ApplicationFailure && error.type === ComplyCubeFailure.NotFound) return undefined;
    throw new HttpError(503, 'applicant_unavailable', 'ComplyCube could not give the image just now; try again');
  }
}
