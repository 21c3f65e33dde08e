/**
 * The libraries every workflow of a worker thread shares (`worker/workflow-build.ts`,
 * `PRELOADED_MODULES`): evaluated once, before any workflow, instead of once per workflow.
 * Importing them here, and using them, keeps the bundler from dropping the preload as unused.
 */
import * as zod from 'zod';

// zod fills its one global settings object (`globalThis.__zod_globalConfig`) on first use: its
// locale when the first schema is built, its memoizer when the first object or array is. The SDK
// freezes what the preload leaves, so both are set here, before the workflows build their schemas.
zod.config(zod.locales.en());
zod.object({ list: zod.array(zod.string()) });

export const SHARED_LIBRARIES = { zod };
