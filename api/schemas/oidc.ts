/** Single sign-on's routes: what the console is told, and the provider's callback. */
import { z } from 'zod';

export const oidcInfoSchema = z
  .strictObject({
    enabled: z.boolean().meta({ description: 'Whether single sign-on is configured' }),
    displayName: z.string().optional().meta({ description: 'The identity provider, as the sign-in page names it' }),
    tokenSignIn: z.boolean().meta({ description: 'Whether reviewer tokens sign in too' }),
  })
  .meta({ examples: [{ enabled: true, displayName: 'login.example.com', tokenSignIn: true }] });

/** What the provider sends back: a code and the state, or an error. Anything else is ignored. */
export const oidcCallbackQuery = z.looseObject({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
});

export const redirectResponse = (description: string) => z.null().meta({ description });
