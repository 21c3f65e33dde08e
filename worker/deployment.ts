/**
 * Worker Deployment Versioning: every worker polls as one version (deployment name + build ID)
 * of the onboarding deployment, and Temporal sends each workflow task to the deployment's
 * current version. A new version receives nothing until it is made current ("promoted").
 *
 * Who promotes is a policy (`WORKER_AUTO_PROMOTE`):
 * - `if-none` (production default): only when the deployment has no current version yet, so a
 *   first install runs without a manual step and every later upgrade is the operator's call;
 * - `always`: as soon as this worker's version is registered (`npm start`, the tests);
 * - `never`: the operator always promotes, with `temporal worker deployment set-current-version`.
 */
import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import type { AutoPromotePolicy } from '../config/config';

/** One version of the deployment: what Temporal shows as `<deploymentName>:<buildId>`. */
export interface DeploymentVersion {
  deploymentName: string;
  buildId: string;
}

export type PromotionResult =
  | { kind: 'promoted'; previousBuildId?: string }
  | { kind: 'already-current' }
  | { kind: 'left'; currentBuildId?: string };

export interface PromoteOptions {
  client: Client;
  version: DeploymentVersion;
  policy: AutoPromotePolicy;
  /** Task queues this version must be polling before it takes over. */
  taskQueues: string[];
  /** How long to wait for the worker's first polls to register the version. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** `deploymentName:buildId`, as Temporal's `TemporalWorkerDeploymentVersion` search attribute writes it. */
export function versionLabel(version: DeploymentVersion): string {
  return `${version.deploymentName}:${version.buildId}`;
}

/** The deployment's current build ID (undefined: none, i.e. unversioned workers) and its conflict token. */
async function currentVersion(client: Client, deploymentName: string) {
  const { conflictToken, workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({
    namespace: client.options.namespace,
    deploymentName,
  });
  const buildId = workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || undefined;
  return { buildId, conflictToken };
}

/** Whether this version polls every task queue, for workflow and activity tasks alike. */
async function isPolling(client: Client, version: DeploymentVersion, taskQueues: string[]): Promise<boolean> {
  try {
    const { versionTaskQueues } = await client.workflowService.describeWorkerDeploymentVersion({
      namespace: client.options.namespace,
      deploymentVersion: version,
    });
    const seen = new Set((versionTaskQueues ?? []).map((queue) => `${queue.name}/${queue.type}`));
    // TASK_QUEUE_TYPE_WORKFLOW = 1, TASK_QUEUE_TYPE_ACTIVITY = 2.
    return taskQueues.every((name) => seen.has(`${name}/1`) && seen.has(`${name}/2`));
  } catch (error) {
    if ((error as { code?: number }).code === 5) return false; // NOT_FOUND: not registered yet.
    throw error;
  }
}

/**
 * Makes `version` the deployment's current version if the policy says so, once its worker is
 * polling. Safe to run from every replica at once: the conflict token makes the change atomic,
 * and a replica that loses the race finds the version current already.
 */
export async function promoteWhenPolling(options: PromoteOptions): Promise<PromotionResult> {
  const { client, version, policy, taskQueues, signal } = options;
  if (policy === 'never') return { kind: 'left' };
  const until = Date.now() + (options.timeoutMs ?? 60_000);
  // The worker's first polls register the version within moments; asking before that only makes
  // the server log a "version not found".
  await sleep(500, signal);
  while (!(await isPolling(client, version, taskQueues))) {
    if (signal?.aborted) return { kind: 'left' };
    if (Date.now() > until) {
      throw new Error(`worker deployment version ${versionLabel(version)} did not register its task queues in time`);
    }
    await sleep(200, signal);
  }
  for (let attempt = 1; ; attempt += 1) {
    const current = await currentVersion(client, version.deploymentName);
    if (current.buildId === version.buildId) return { kind: 'already-current' };
    if (policy === 'if-none' && current.buildId !== undefined) return { kind: 'left', currentBuildId: current.buildId };
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: client.options.namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        conflictToken: current.conflictToken,
        identity: `${process.pid}@${hostname()} auto-promote (${policy})`,
      });
      return current.buildId ? { kind: 'promoted', previousBuildId: current.buildId } : { kind: 'promoted' };
    } catch (error) {
      // Another replica changed the deployment meanwhile: look again.
      if (attempt >= 5 || signal?.aborted) throw error;
      await sleep(200 * attempt, signal);
    }
  }
}

/**
 * Deletes the oldest versions beyond `keep`, other than the current and ramping ones, for a
 * development server where every code change adds a version (the server keeps at most 100 per
 * deployment). Versions that still have pollers or pinned runs are refused by the server; those
 * are left. Returns how many were deleted.
 */
export async function pruneOldVersions(client: Client, deploymentName: string, keep: number): Promise<number> {
  const { workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({
    namespace: client.options.namespace,
    deploymentName,
  });
  const routing = workerDeploymentInfo?.routingConfig;
  const busy = new Set([routing?.currentDeploymentVersion?.buildId, routing?.rampingDeploymentVersion?.buildId]);
  const candidates = (workerDeploymentInfo?.versionSummaries ?? [])
    .filter((summary) => summary.deploymentVersion?.buildId && !busy.has(summary.deploymentVersion.buildId))
    .sort((a, b) => Number(a.createTime?.seconds ?? 0) - Number(b.createTime?.seconds ?? 0));
  let deleted = 0;
  for (const summary of candidates.slice(0, Math.max(0, candidates.length - keep))) {
    try {
      await client.workflowService.deleteWorkerDeploymentVersion({
        namespace: client.options.namespace,
        deploymentVersion: summary.deploymentVersion,
        skipDrainage: true,
      });
      deleted += 1;
    } catch {
      // Still polled, or pinned runs need it: it stays.
    }
  }
  return deleted;
}

/** One line for the log, saying what happened and what the operator can do next. */
export function describePromotion(version: DeploymentVersion, result: PromotionResult): string {
  const label = versionLabel(version);
  switch (result.kind) {
    case 'promoted':
      return result.previousBuildId
        ? `Worker version ${label} is now current (was ${result.previousBuildId})`
        : `Worker version ${label} is now current (the deployment had none)`;
    case 'already-current':
      return `Worker version ${label} is current`;
    case 'left':
      return (
        `Worker version ${label} is polling but not current` +
        (result.currentBuildId ? ` (current: ${result.currentBuildId})` : '') +
        `; it receives workflow tasks once promoted: temporal worker deployment set-current-version ` +
        `--deployment-name ${version.deploymentName} --build-id ${version.buildId} -y`
      );
  }
}
