/**
 * The modules every workflow of a worker thread shares (`worker/workflow-build.ts`,
 * `PRELOADED_MODULES`): evaluated once, before any workflow, instead of once per workflow. That is
 * the workflow code: zod, the contract and its schemas, the review rules, the workflows
 * themselves, and the interceptors' gate (the failure converter, and OpenTelemetry's modules in a
 * traced run, are still loaded per run). Each run keeps only its own state, in the closures of its
 * workflow function. The SDK freezes what the preloaded modules export, so no module of the
 * workflow code may keep state of its own, and every schema they export must be settled first
 * (`test/workflow-modules.test.ts` holds them to both).
 */
import { zod } from './zod-settings';
import * as workflows from './index';
import * as interceptors from './tracing-gate';
import * as contract from './onboarding-contract';
import * as primitives from '../complycube/primitives';
import { settleLazyProperties } from './warm-for-freeze';

// Every module that exports a schema, so each is settled before the SDK freezes it, used or not.
export const SHARED_LIBRARIES = { zod, workflows, interceptors, contract, primitives };

settleLazyProperties(SHARED_LIBRARIES);
