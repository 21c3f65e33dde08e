/**
 * zod schemas for the ComplyCube objects this project reads, field for field as the
 * check pages in `shared/seeds/` document them. Objects are loose: fields ComplyCube
 * adds later are kept, not rejected. Enumerations are strict, so an unknown status or
 * outcome fails with an error that names the field.
 *
 * The few the workflow needs live in `primitives.ts`: workflow code never imports this module.
 */
import { z } from 'zod';
import {
  analysisStatusSchema,
  checkOutcomeSchema,
  checkStatusSchema,
  complyCubeIdSchema,
  type CheckOutcome,
  type CheckStatus,
} from './primitives';

export * from './primitives';

const timestampSchema = z.iso.datetime({ offset: true });

// Identity fraud check breakdown.

export const identityVerificationSourceSchema = z.looseObject({
  field: z.string(),
  /** Documented values: credit_agency, government_authority, consumer_database, utility_authority,
   * proprietary_database, telecom_agency, postal_authority, other_source. The list is open ("values include"). */
  source: z.string(),
  status: analysisStatusSchema,
});

export const identityVerificationSchema = z.looseObject({
  name: analysisStatusSchema.optional(),
  dob: analysisStatusSchema.optional(),
  address: analysisStatusSchema.optional(),
  telephone: analysisStatusSchema.optional(),
  mobile: analysisStatusSchema.optional(),
  email: analysisStatusSchema.optional(),
  activity: analysisStatusSchema.optional(),
  breakdown: z.array(identityVerificationSourceSchema).optional(),
});

export const databaseAnalysisSourceSchema = z.looseObject({
  field: z.string(),
  sourceDescription: z.string().optional(),
  status: analysisStatusSchema,
});

export const databaseAnalysisSchema = z.looseObject({
  mortality: analysisStatusSchema.optional(),
  fraud: analysisStatusSchema.optional(),
  fakeProfile: analysisStatusSchema.optional(),
  police: analysisStatusSchema.optional(),
  breakdown: z.array(databaseAnalysisSourceSchema).optional(),
});

export const identityFraudBreakdownSchema = z.looseObject({
  identityVerification: identityVerificationSchema,
  databaseAnalysis: databaseAnalysisSchema,
});
export type IdentityFraudBreakdown = z.infer<typeof identityFraudBreakdownSchema>;

// Enhanced identity check breakdown.

export const enrolledFaceMatchSchema = z.looseObject({
  clientId: z.string(),
  entityName: z.string().optional(),
  livePhotoId: z.string().optional(),
  liveVideoId: z.string().optional(),
  facialSimilarityScore: z.number().optional(),
});

/** Scores: the page says "1 for a perfect match" while its sample shows 100; both are accepted. */
const scoreSchema = z.number().min(0).max(100);

export const faceAnalysisSchema = z.looseObject({
  facialSimilarity: analysisStatusSchema.optional(),
  previouslyEnrolledFace: analysisStatusSchema.optional(),
  breakdown: z
    .looseObject({
      facialSimilarityScore: scoreSchema.optional(),
      enrolledFacesMatches: z.array(enrolledFaceMatchSchema).optional(),
    })
    .optional(),
});

export const authenticityAnalysisSchema = z.looseObject({
  spoofedImageAnalysis: analysisStatusSchema.optional(),
  /** In the seed's sample, not in its field list. */
  livenessCheck: analysisStatusSchema.optional(),
  livenessVoiceChallengeAnalysis: analysisStatusSchema.optional(),
  livenessActionChallengeAnalysis: analysisStatusSchema.optional(),
  breakdown: z
    .looseObject({
      specimenCheckMatches: z.array(z.string()).optional(),
      livenessCheckScore: scoreSchema.optional(),
    })
    .optional(),
});

export const integrityAnalysisSchema = z.looseObject({
  faceDetection: analysisStatusSchema.optional(),
  vpnDetected: analysisStatusSchema.optional(),
});

export const enhancedIdentityBreakdownSchema = z.looseObject({
  faceAnalysis: faceAnalysisSchema,
  authenticityAnalysis: authenticityAnalysisSchema,
  integrityAnalysis: integrityAnalysisSchema,
});
export type EnhancedIdentityBreakdown = z.infer<typeof enhancedIdentityBreakdownSchema>;

// Check objects.

function resultSchema<B extends z.ZodType>(breakdown: B) {
  return z.looseObject({
    outcome: checkOutcomeSchema,
    // A `not_processed` check has nothing to break down.
    breakdown: breakdown.optional(),
  });
}

const checkBaseShape = {
  id: complyCubeIdSchema,
  clientId: complyCubeIdSchema,
  entityName: z.string().optional(),
  enableMonitoring: z.boolean().optional(),
  documentId: complyCubeIdSchema.optional(),
  addressId: complyCubeIdSchema.optional(),
  livePhotoId: complyCubeIdSchema.optional(),
  liveVideoId: complyCubeIdSchema.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  clientConsent: z.boolean().optional(),
  status: checkStatusSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
};

/** `result` exists when, and only when, the check is complete; with it, a clear or attention outcome has a breakdown. */
function requireResultWhenComplete(
  check: { status: CheckStatus; result?: { outcome: CheckOutcome; breakdown?: unknown } | undefined },
  ctx: z.RefinementCtx,
): void {
  if (check.status === 'complete' && !check.result) {
    ctx.addIssue({ code: 'custom', path: ['result'], message: 'a complete check must have a result' });
  }
  if (check.status !== 'complete' && check.result) {
    ctx.addIssue({ code: 'custom', path: ['result'], message: `a ${check.status} check must not have a result` });
  }
  if (check.result && check.result.outcome !== 'not_processed' && check.result.breakdown === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['result', 'breakdown'],
      message: `a ${check.result.outcome} result must have a breakdown`,
    });
  }
}

export const identityFraudCheckSchema = z
  .looseObject({
    ...checkBaseShape,
    type: z.literal('identity_fraud_check'),
    addressId: complyCubeIdSchema,
    result: resultSchema(identityFraudBreakdownSchema).optional(),
  })
  .superRefine(requireResultWhenComplete);
export type IdentityFraudCheck = z.infer<typeof identityFraudCheckSchema>;

export const enhancedIdentityCheckSchema = z
  .looseObject({
    ...checkBaseShape,
    type: z.literal('enhanced_identity_check'),
    documentId: complyCubeIdSchema,
    liveVideoId: complyCubeIdSchema,
    result: resultSchema(enhancedIdentityBreakdownSchema).optional(),
  })
  .superRefine(requireResultWhenComplete);
export type EnhancedIdentityCheck = z.infer<typeof enhancedIdentityCheckSchema>;

/** A check of either type this project runs. */
export const checkSchema = z.discriminatedUnion('type', [identityFraudCheckSchema, enhancedIdentityCheckSchema]);
export type Check = z.infer<typeof checkSchema>;

/** ComplyCube's list envelope. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
    totalItems: z.number().int().min(0),
    pages: z.number().int().min(0),
    items: z.array(item),
  });
}
export const checkListSchema = listSchema(checkSchema);
export type CheckList = z.infer<typeof checkListSchema>;

/** ComplyCube's error body. */
export const apiErrorBodySchema = z.looseObject({
  type: z.string(),
  message: z.string().optional(),
  param: z.string().optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

// Webhooks.

export const checkEventTypeSchema = z.enum([
  'check.pending',
  'check.completed',
  'check.completed.clear',
  'check.completed.attention',
  'check.failed',
  'check.updated',
]);
export type CheckEventType = z.infer<typeof checkEventTypeSchema>;

/** A webhook event. Only check events carry a payload this project reads. */
export const webhookEventSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  resourceType: z.string().min(1),
  payload: z.looseObject({
    id: z.string().min(1),
    status: z.string().optional(),
    outcome: z.string().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  }),
  createdAt: z.string(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export const checkEventPayloadSchema = z.looseObject({
  id: complyCubeIdSchema,
  status: checkStatusSchema,
  outcome: checkOutcomeSchema.optional(),
  createdAt: timestampSchema.optional(),
  updatedAt: timestampSchema.optional(),
});
export type CheckEventPayload = z.infer<typeof checkEventPayloadSchema>;
