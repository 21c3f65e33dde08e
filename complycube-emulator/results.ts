import type { CheckType } from '../complycube/schemas';

/** Every analysis a check of each type reports, as the paths `attentionAnalyses` derives. */
export const ANALYSES: Record<CheckType, readonly string[]> = {
  identity_fraud_check: [
    'identityVerification.name',
    'identityVerification.dob',
    'identityVerification.address',
    'identityVerification.telephone',
    'identityVerification.mobile',
    'identityVerification.email',
    'identityVerification.activity',
    'databaseAnalysis.mortality',
    'databaseAnalysis.fraud',
    'databaseAnalysis.fakeProfile',
    'databaseAnalysis.police',
  ],
  enhanced_identity_check: [
    'faceAnalysis.facialSimilarity',
    'faceAnalysis.previouslyEnrolledFace',
    'authenticityAnalysis.spoofedImageAnalysis',
    'authenticityAnalysis.livenessCheck',
    'authenticityAnalysis.livenessVoiceChallengeAnalysis',
    'authenticityAnalysis.livenessActionChallengeAnalysis',
    'integrityAnalysis.faceDetection',
    'integrityAnalysis.vpnDetected',
  ],
};

/** What a sandbox `attention` outcome flags when no analyses are chosen. */
export const DEFAULT_ATTENTION: Record<CheckType, readonly string[]> = {
  identity_fraud_check: ['databaseAnalysis.police'],
  enhanced_identity_check: ['faceAnalysis.previouslyEnrolledFace'],
};

type Verdict = 'clear' | 'attention';

/** A result breakdown shaped like the seed samples, with the given analyses set to `attention`. */
export function buildBreakdown(type: CheckType, attention: readonly string[]): Record<string, unknown> {
  const flagged = new Set(attention);
  const v = (path: string): Verdict => (flagged.has(path) ? 'attention' : 'clear');

  if (type === 'identity_fraud_check') {
    return {
      identityVerification: {
        name: v('identityVerification.name'),
        dob: v('identityVerification.dob'),
        address: v('identityVerification.address'),
        telephone: v('identityVerification.telephone'),
        mobile: v('identityVerification.mobile'),
        email: v('identityVerification.email'),
        activity: v('identityVerification.activity'),
        breakdown: [
          { status: v('identityVerification.dob'), field: 'dob', source: 'telecom_agency' },
          { status: v('identityVerification.name'), field: 'name', source: 'credit_agency' },
          { status: v('identityVerification.address'), field: 'address', source: 'postal_authority' },
        ],
      },
      databaseAnalysis: {
        mortality: v('databaseAnalysis.mortality'),
        fraud: v('databaseAnalysis.fraud'),
        fakeProfile: v('databaseAnalysis.fakeProfile'),
        police: v('databaseAnalysis.police'),
        breakdown: [
          { status: v('databaseAnalysis.police'), field: 'police', sourceDescription: 'Amberhill' },
          { status: v('databaseAnalysis.fraud'), field: 'fraud', sourceDescription: 'SIRA Checks - Private Sector' },
        ],
      },
    };
  }

  const faceBreakdown: Record<string, unknown> = {
    facialSimilarityScore: flagged.has('faceAnalysis.facialSimilarity') ? 42 : 100,
  };
  if (flagged.has('faceAnalysis.previouslyEnrolledFace')) {
    faceBreakdown.enrolledFacesMatches = [
      { clientId: 'a0a0a0a0a0a0a0a0a0a0a0a0', entityName: 'Enrolled Elsewhere', facialSimilarityScore: 97 },
    ];
  }
  const authenticityBreakdown: Record<string, unknown> = {
    livenessCheckScore: flagged.has('authenticityAnalysis.livenessCheck') ? 31 : 100,
  };
  if (flagged.has('authenticityAnalysis.spoofedImageAnalysis')) {
    authenticityBreakdown.specimenCheckMatches = ['https://example.com/specimen.jpg'];
  }
  return {
    faceAnalysis: {
      facialSimilarity: v('faceAnalysis.facialSimilarity'),
      previouslyEnrolledFace: v('faceAnalysis.previouslyEnrolledFace'),
      breakdown: faceBreakdown,
    },
    authenticityAnalysis: {
      spoofedImageAnalysis: v('authenticityAnalysis.spoofedImageAnalysis'),
      livenessCheck: v('authenticityAnalysis.livenessCheck'),
      livenessVoiceChallengeAnalysis: v('authenticityAnalysis.livenessVoiceChallengeAnalysis'),
      livenessActionChallengeAnalysis: v('authenticityAnalysis.livenessActionChallengeAnalysis'),
      breakdown: authenticityBreakdown,
    },
    integrityAnalysis: {
      faceDetection: v('integrityAnalysis.faceDetection'),
      vpnDetected: v('integrityAnalysis.vpnDetected'),
    },
  };
}
