/** The baselines' activities: one ComplyCube call each, through the product's own client. */
import type { ComplyCubeClient } from '../../complycube/client';
import type { BaselineInput } from './workflows';

export function baselineActivities(complyCube: ComplyCubeClient) {
  return {
    async createCheck(type: 'identity_fraud_check' | 'enhanced_identity_check', input: BaselineInput): Promise<string> {
      const check =
        type === 'identity_fraud_check'
          ? await complyCube.createIdentityFraudCheck({ clientId: input.clientId, addressId: input.addressId })
          : await complyCube.createEnhancedIdentityCheck({
              clientId: input.clientId,
              documentId: input.documentId,
              liveVideoId: input.liveVideoId,
            });
      return check.id;
    },
    async readCheck(checkId: string): Promise<{ status: string; outcome?: string }> {
      const check = await complyCube.getCheck(checkId);
      return { status: check.status, ...(check.result?.outcome ? { outcome: check.result.outcome } : {}) };
    },
  };
}

export type BaselineActivities = ReturnType<typeof baselineActivities>;
