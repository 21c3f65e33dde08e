/**
 * The modules every workflow of a worker thread shares (`worker/workflow-build.ts`,
 * `PRELOADED_MODULES`): evaluated once, before any workflow, instead of once per workflow. That is
 * every module of the workflow code: zod, the contract and its schemas, the review rules, the
 * workflows themselves, and the interceptors. Each run keeps only its own state, in the closures
 * of its workflow function. The SDK freezes what the preload leaves, so no module of the workflow
 * code may keep state of its own (`test/workflow-modules.test.ts` holds them to it).
 */
import { zod } from './zod-settings';
import * as workflows from './index';
import * as interceptors from './tracing-gate';
import * as contract from './onboarding-contract';
import { settleLazyProperties } from './warm-for-freeze';

export const SHARED_LIBRARIES = { zod, workflows, interceptors, contract };

settleLazyProperties(SHARED_LIBRARIES);
