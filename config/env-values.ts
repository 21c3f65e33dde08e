/** The shapes configuration values share across `config.ts` and its parts. */
import { z } from 'zod';

/** A setting that may be unset: blank counts as unset, and the value is trimmed. */
export const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** A whole number above zero, `fallback` when unset. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
