/**
 * zod's one global settings object (`globalThis.__zod_globalConfig`), set before any schema of the
 * workflow code is built: the workflows' modules are shared and frozen once evaluated
 * (`workflows/shared-libraries.ts`), so nothing may fill it later.
 */
import * as zod from 'zod';

/**
 * zod's default memoizer gives schemas cycle support: it wraps each object and array schema's
 * parse, and on its first parse puts the plain one back, a write a frozen schema refuses. A
 * workflow's payloads are decoded from JSON and cannot hold a cycle, so its schemas do without.
 */
const withoutCycleSupport: zod.core.$ZodMemoizer = {
  attach: () => undefined,
  guard: () => undefined,
  alloc: (_schema, _payload, empty) => empty,
};

zod.config({ ...zod.locales.en(), memoizer: withoutCycleSupport });

export { zod };
