/**
 * A person's free text (a reviewer's reason, an internal note) as Temporal and the store keep it:
 * a reference to the text encrypted with the client's data key, so that erasing the client makes
 * it unreadable everywhere (docs/payload-encryption.md). The API reveals it in its answers.
 */
import { ClientErasedError } from '../security/personal-data';
import type { ApiContext } from './context';
import { HttpError } from './errors';

export async function protectedText(context: ApiContext, onboardingId: string, text: string): Promise<string> {
  if (!context.personalData) return text;
  try {
    return await context.personalData.protect(onboardingId, text);
  } catch (error) {
    if (error instanceof ClientErasedError) {
      throw new HttpError(409, 'client_erased', 'This client’s personal data was erased: it can no longer be reviewed');
    }
    throw error;
  }
}
