/** The erasure of a client's personal data (docs/payload-encryption.md). */
import { z } from 'zod';
import { complyCubeIdSchema } from '../../complycube/primitives';

export const clientIdParams = z.strictObject({
  clientId: complyCubeIdSchema.meta({ description: 'The ComplyCube client ID (the onboarding’s ID)' }),
});

export const erasureSchema = z
  .strictObject({
    clientId: z.string(),
    erasedAt: z.string().meta({ description: 'When the client’s data key was destroyed (the first erasure’s time)' }),
    complyCube: z
      .enum(['deleted', 'not_found', 'not_configured'])
      .meta({ description: 'What ComplyCube answered to DELETE /v1/clients/:id (not_found: already gone)' }),
  })
  .meta({ description: 'The client’s reasons are unreadable from now on; its decisions, IDs and ledger stay' });
