/** The applicant as a reviewer sees them, read live from ComplyCube (docs/reviewer-view.md): never stored. */
import { z } from 'zod';
import { complyCubeIdSchema } from '../../complycube/primitives';

/** The parts of the applicant view, each read on its own; those ComplyCube could not give are `unavailable`. */
export const APPLICANT_PARTS = ['person', 'document', 'liveVideo', 'face'] as const;
export type ApplicantPart = (typeof APPLICANT_PARTS)[number];

export const applicantSchema = z
  .strictObject({
    onboardingId: z.string(),
    person: z
      .strictObject({
        firstName: z.string(),
        middleName: z.string().optional(),
        lastName: z.string(),
        dob: z.string().optional(),
        nationality: z.string().optional(),
      })
      .nullable()
      .meta({ description: 'The client’s person details; null for a company client, or when unavailable' }),
    document: z
      .strictObject({
        documentId: z.string(),
        type: z.string().meta({ description: 'ComplyCube’s document type, e.g. `passport`' }),
        issuingCountry: z.string().optional(),
        frontImage: z
          .string()
          .nullable()
          .meta({ description: 'The path of the front image (`…/applicant/document-front`); null when it has none' }),
      })
      .nullable()
      .meta({ description: 'The document the enhanced identity check ran on; null before it has one' }),
    liveVideo: z
      .strictObject({
        liveVideoId: z.string(),
        language: z.string().optional(),
        challenges: z.array(z.strictObject({ type: z.string(), value: z.string() })),
      })
      .nullable()
      .meta({
        description: 'The live video the check ran on (ComplyCube gives no frames of it); null before it has one',
      }),
    face: z
      .strictObject({
        livePhotoId: z.string(),
        image: z.string().meta({ description: 'The path of the image (`…/applicant/face`)' }),
      })
      .nullable()
      .meta({ description: 'The client’s newest live photo; null when there is none' }),
    unavailable: z
      .array(z.enum(APPLICANT_PARTS))
      .meta({ description: 'The parts ComplyCube could not give just now (shown null): retry later' }),
  })
  .meta({
    examples: [
      {
        onboardingId: '5f7c6e8a9b0c1d2e3f4a5b6c',
        person: { firstName: 'Jo', lastName: 'Bloggs', dob: '1990-01-01', nationality: 'GB' },
        document: {
          documentId: '5f7c6e8a9b0c1d2e3f4a5b6d',
          type: 'passport',
          issuingCountry: 'GB',
          frontImage: '/v1/onboardings/5f7c6e8a9b0c1d2e3f4a5b6c/applicant/document-front',
        },
        liveVideo: {
          liveVideoId: '5f7c6e8a9b0c1d2e3f4a5b6f',
          language: 'en',
          challenges: [{ type: 'recite_digits', value: '7462' }],
        },
        face: null,
        unavailable: ['face'],
      },
    ],
  });
export type ApplicantView = z.infer<typeof applicantSchema>;

/** An image answered as it is: JPEG or PNG bytes, checked against their magic number (sent as a Buffer). */
const imageBytes = z.unknown().meta({ type: 'string', format: 'binary' });
export const applicantImageResponse = (description: string) => ({
  description,
  content: { 'image/jpeg': { schema: imageBytes }, 'image/png': { schema: imageBytes } },
});

export const applicantNamesQuery = z.strictObject({
  onboardingId: z
    .union([complyCubeIdSchema, z.array(complyCubeIdSchema).min(1).max(50)])
    .transform((ids) => (Array.isArray(ids) ? ids : [ids]))
    .meta({ description: 'An onboarding ID; repeat the parameter for more (1–50)' }),
});

export const applicantNamesSchema = z
  .strictObject({
    names: z.record(z.string(), z.string().nullable()).meta({
      description:
        '"First Last" per onboarding ID asked for; null when ComplyCube cannot give it, or the onboarding is unknown here',
    }),
  })
  .meta({ examples: [{ names: { '5f7c6e8a9b0c1d2e3f4a5b6c': 'Jo Bloggs', '5f7c6e8a9b0c1d2e3f4a5b6d': null } }] });
