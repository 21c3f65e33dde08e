/**
 * Worker Deployment Versioning: every worker polls as one version (deployment name + build ID)
 * of the onboarding deployment, and Temporal sends each workflow task to the deployment's
 * current version. A new version receives nothing until it is made current ("promoted").
 *
 * Who promotes is a policy (`WORKER_AUTO_PROMOTE`):
 * - `if-none` (production default): only when the deployment has never had a current version,
 *   so a first install runs without a manual step, and every later change of the current version,
 *   an upgrade or a rollback, is the operator's and is never undone by a worker restarting;
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
  | { kind: 'not-promoted'; currentBuildId?: string; everHadCurrent?: boolean };

export interface PromoteOptions {
  client: Client;
  version: DeploymentVersion;
  policy: AutoPromotePolicy;
  /** Task queues this version must be polling, for workflow and activity tasks, before it takes over. */
  taskQueues: string[];
  /** Task queues it must be polling for activity tasks only (the ComplyCube queue). */
  activityTaskQueues?: string[];
  /** How long to wait for the worker's first polls to register the version. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

// gRPC status codes.
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
const ABORTED = 10;
const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;
/** Worth asking again: RESOURCE_EXHAUSTED (a busy deployment), ABORTED, INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED. */
const TRANSIENT: readonly number[] = [8, 10, 13, 14, 4];

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `deploymentName:buildId`, as Temporal's `TemporalWorkerDeploymentVersion` search attribute writes it. */
export function versionLabel(version: DeploymentVersion): string {
  return `${version.deploymentName}:${version.buildId}`;
}

/** The deployment's routing: its current build ID (none: unversioned workers), whether it ever had one, its conflict token. */
/**
 * Each call with a deadline: the server answers deployment calls from a workflow of its own, and a
 * dev server under load once left one unanswered for good, so promotion (and every test's start)
 * waited forever. A timed-out call is DEADLINE_EXCEEDED, which the loops below retry.
 */
const CALL_DEADLINE_MS = 10_000;
function withCallDeadline<T>(client: Client, call: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + CALL_DEADLINE_MS, call);
}

async function routing(client: Client, deploymentName: string) {
  const { conflictToken, workerDeploymentInfo } = await withCallDeadline(client, () =>
    client.workflowService.describeWorkerDeployment({ namespace: client.options.namespace, deploymentName }),
  );
  const config = workerDeploymentInfo?.routingConfig;
  return {
    currentBuildId: config?.currentDeploymentVersion?.buildId || undefined,
    everHadCurrent: Boolean(config?.currentVersionChangedTime?.seconds),
    conflictToken,
  };
}

/** Whether this version polls every task queue, for workflow and activity tasks alike. */
async function isPolling(
  client: Client,
  version: DeploymentVersion,
  taskQueues: string[],
  activityTaskQueues: string[] = [],
): Promise<boolean> {
  try {
    const { versionTaskQueues } = await withCallDeadline(client, () =>
      client.workflowService.describeWorkerDeploymentVersion({
        namespace: client.options.namespace,
        deploymentVersion: version,
      }),
    );
    const seen = new Set((versionTaskQueues ?? []).map((queue) => `${queue.name}/${queue.type}`));
    // TASK_QUEUE_TYPE_WORKFLOW = 1, TASK_QUEUE_TYPE_ACTIVITY = 2.
    return (
      taskQueues.every((name) => seen.has(`${name}/1`) && seen.has(`${name}/2`)) &&
      activityTaskQueues.every((name) => seen.has(`${name}/2`))
    );
  } catch (error) {
    // Not registered yet (NOT_FOUND), or the server busy or away for a moment: ask again later.
    const code = (error as { code?: number }).code;
    if (code === NOT_FOUND || (code !== undefined && TRANSIENT.includes(code))) return false;
    throw error;
  }
}

/**
 * Makes `version` the deployment's current version if the policy says so, once its worker is
 * polling. Safe to run from every replica at once: the conflict token makes the change atomic,
 * and a replica that loses the race finds the version current already.
 */
export async function promoteWhenPolling(options: PromoteOptions): Promise<PromotionResult> {
  const { client, version, policy, taskQueues, activityTaskQueues, signal } = options;
  const until = Date.now() + (options.timeoutMs ?? 60_000);
  // The worker's first polls register the version within moments; asking before that only makes
  // the server log a "version not found".
  await sleep(500, signal);
  // Every replica asks; the server answers these from a workflow of its own, which must not be flooded.
  for (
    let wait = 200;
    !(await isPolling(client, version, taskQueues, activityTaskQueues));
    wait = Math.min(wait * 2, 2_000)
  ) {
    if (signal?.aborted) return { kind: 'not-promoted' };
    if (Date.now() > until) {
      throw new Error(`worker deployment version ${versionLabel(version)} did not register its task queues in time`);
    }
    await sleep(wait + Math.random() * wait, signal);
  }
  for (let attempt = 1; ; attempt += 1) {
    let current: Awaited<ReturnType<typeof routing>>;
    try {
      current = await routing(client, version.deploymentName);
    } catch (error) {
      const code = (error as { code?: number }).code;
      // NOT_FOUND too: the server can see the version polling a moment before it shows its deployment.
      const again = code !== undefined && (TRANSIENT.includes(code) || code === NOT_FOUND);
      if (!again || attempt >= 10 || signal?.aborted) throw error;
      await sleep(300 * attempt, signal);
      continue;
    }
    if (current.currentBuildId === version.buildId) return { kind: 'already-current' };
    if (policy === 'never' || (policy === 'if-none' && current.everHadCurrent)) {
      return { kind: 'not-promoted', currentBuildId: current.currentBuildId, everHadCurrent: current.everHadCurrent };
    }
    try {
      await withCallDeadline(client, () =>
        client.workflowService.setWorkerDeploymentCurrentVersion({
          namespace: client.options.namespace,
          deploymentName: version.deploymentName,
          buildId: version.buildId,
          conflictToken: current.conflictToken,
          identity: `${process.pid}@${hostname()} auto-promote (${policy})`,
        }),
      );
      return current.currentBuildId
        ? { kind: 'promoted', previousBuildId: current.currentBuildId }
        : { kind: 'promoted' };
    } catch (error) {
      // Another replica changed the deployment meanwhile (a stale conflict token), or the server is
      // briefly away: look again. Anything else, such as a permission refused, is for the operator.
      const code = (error as { code?: number }).code;
      // A change that timed out may have been made: the next look at the routing tells.
      const transient =
        code === FAILED_PRECONDITION || code === ABORTED || code === UNAVAILABLE || code === DEADLINE_EXCEEDED;
      if (!transient || attempt >= 5 || signal?.aborted) throw error;
      await sleep(200 * attempt, signal);
    }
  }
}

/**
 * Deletes the oldest versions beyond `keep`, other than the current and ramping ones, for a
 * development server where every code change adds a version (the server keeps at most 100 per
 * deployment). The server refuses versions that still have pollers, or pinned runs (draining);
 * those stay. Returns how many were deleted.
 */
export async function pruneOldVersions(client: Client, deploymentName: string, keep: number): Promise<number> {
  const { workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({
    namespace: client.options.namespace,
    deploymentName,
  });
  const config = workerDeploymentInfo?.routingConfig;
  const busy = new Set([config?.currentDeploymentVersion?.buildId, config?.rampingDeploymentVersion?.buildId]);
  const candidates = (workerDeploymentInfo?.versionSummaries ?? [])
    .filter((summary) => summary.deploymentVersion?.buildId && !busy.has(summary.deploymentVersion.buildId))
    .sort((a, b) => Number(a.createTime?.seconds ?? 0) - Number(b.createTime?.seconds ?? 0));
  let deleted = 0;
  for (const summary of candidates.slice(0, Math.max(0, candidates.length - keep))) {
    try {
      await client.workflowService.deleteWorkerDeploymentVersion({
        namespace: client.options.namespace,
        deploymentVersion: summary.deploymentVersion,
        skipDrainage: false,
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
    case 'not-promoted':
      return (
        `Worker version ${label} is polling but not current` +
        (result.currentBuildId
          ? ` (current: ${result.currentBuildId})`
          : result.everHadCurrent
            ? ' (current: unversioned workers, set by an operator)'
            : '') +
        `; it receives workflow tasks once promoted: temporal worker deployment set-current-version ` +
        `--deployment-name ${version.deploymentName} --build-id ${version.buildId} -y`
      );
  }
}
