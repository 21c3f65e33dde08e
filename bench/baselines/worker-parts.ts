/** What a baseline worker runs, in the bench's process or its own: its workflows bundled bare, its activities on ComplyCube. */
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { ComplyCubeClient } from '../../complycube/client';
import { baselineActivities } from './activities';

export async function baselineWorkerParts(complyCube: { baseUrl: string; apiKey: string }) {
  // Bundled bare: no tracing interceptors, no preload, nothing but the workflows.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: new DefaultLogger('WARN'),
  });
  return {
    workflowBundle: { code },
    activities: baselineActivities(new ComplyCubeClient({ ...complyCube, timeoutMs: 10_000 })),
  };
}
