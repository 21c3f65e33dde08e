/**
 * Starting an onboarding, so that a retried request never starts (and bills) a second run: the same
 * request while one runs gets that one; after one has ended, that one's outcome, unless it asks
 * for a new run (`reverify`); another request for a client whose onboarding runs is a conflict.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { onboardingStartOptions } from '../client/start-options';
import type { DecisionStore } from '../store/decision-store';
import { LEDGER_FEEDS } from '../store/ledger';
import {
  WORKFLOW_TYPE,
  onboardingRequestSchema,
  FINAL_STATUSES,
  onboardingStatusSearchAttribute,
  onboardingWorkflowId,
  type OnboardingRequest,
} from '../workflows/onboarding-contract';
import { onboardingLink, onboardingLinks, type ApiContext } from './context';
import { HttpError } from './errors';
import type { Answer } from './idempotency';

export async function startOnboarding(
  context: ApiContext,
  request: OnboardingRequest,
  reverify: boolean,
  log: { info(fields: object, message: string): void },
  /** Who asked: the backend's token name, for the ledger. */
  actor: string | null = null,
): Promise<Answer> {
  const { temporal, store, withDeadline } = context;
  const onboardingId = request.clientId;
  const workflowId = onboardingWorkflowId(onboardingId);
  const ended = (description?: WorkflowExecutionDescription) => endedAnswer(store, onboardingId, description);

  /** The run of this workflow ID as Temporal has it, or undefined when it has none (or forgot it). */
  const current = () =>
    withDeadline(() => temporal.workflow.getHandle(workflowId).describe()).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });

  // Temporal forgets ended runs after its retention; the store does not. Without `reverify`, an
  // onboarding decided before is answered, not run again.
  if (!reverify && (await store.decisionsFor(onboardingId)).length > 0) {
    const description = await current();
    return description?.status.name === 'RUNNING' ? runningAnswer(request, description) : ended(description);
  }
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await withDeadline(() =>
        temporal.workflow.start(
          WORKFLOW_TYPE,
          onboardingStartOptions(request, context.taskQueue, context.policy, reverify),
        ),
      );
      log.info({ workflowId, runId: handle.firstExecutionRunId, reverify }, 'Onboarding started');
      context.metrics.onboardingStarted('api');
      await recordStart(store, request, handle.firstExecutionRunId, { reverify, actor });
      return answer(onboardingId, 201, handle.firstExecutionRunId, 'checks_running');
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    const description = await current();
    if (!description) continue; // Gone between the start and the look: try again.
    if (description.status.name === 'RUNNING' && reverify && isClosing(description)) {
      // Decided, and closing (its last writes and events): a re-verification waits for it, then starts.
      await withDeadline(() => temporal.workflow.getHandle(workflowId, description.runId).result()).catch(
        () => undefined,
      );
      continue;
    }
    if (description.status.name === 'RUNNING') {
      const running = runningAnswer(request, description);
      // A retry of a start whose answer was lost: the start goes on the ledger once, now if not then.
      await recordStart(store, request, description.runId, { reverify, actor });
      return running;
    }
    if (!reverify) return ended(description);
    // With reverify, an ended run does not block the start: it just ended; start again.
  }
  throw new HttpError(409, 'onboarding_in_flux', 'The onboarding changed while starting; try again');
}

function answer(
  onboardingId: string,
  statusCode: 200 | 201,
  runId: string,
  status: string,
  extra: object = {},
): Answer {
  return {
    statusCode,
    body: {
      onboardingId,
      workflowId: onboardingWorkflowId(onboardingId),
      runId,
      status,
      ...extra,
      links: onboardingLinks(onboardingId),
    },
  };
}

/** A running onboarding: this request again (200), or another request for the client (409). */
/**
 * The start on the ledger (docs/ledger.md), before the answer goes out: the ComplyCube IDs it
 * started with, never the applicant's data. Its ID is the run's, so a retried request writes it once.
 */
async function recordStart(
  store: DecisionStore,
  request: OnboardingRequest,
  runId: string,
  { reverify, actor }: { reverify: boolean; actor: string | null },
) {
  const { clientId, addressId, documentId, liveVideoId } = request;
  if (!LEDGER_FEEDS.on) return;
  await store.appendLedgerEntry({
    entryId: `started:${runId}`,
    onboardingId: clientId,
    runId,
    kind: 'started',
    actor,
    channel: 'api',
    at: new Date().toISOString(),
    body: { workflowId: onboardingWorkflowId(clientId), addressId, documentId, liveVideoId, reverify },
  });
}

function runningAnswer(request: OnboardingRequest, description: WorkflowExecutionDescription): Answer {
  const onboardingId = request.clientId;
  const inputs = onboardingRequestSchema.safeParse(description.memo?.request);
  const same =
    inputs.success && (Object.keys(request) as (keyof OnboardingRequest)[]).every((k) => inputs.data[k] === request[k]);
  if (!same) {
    throw new HttpError(409, 'onboarding_in_progress', 'This client has an onboarding in progress with other inputs', {
      onboardingId,
      links: { self: onboardingLink(onboardingId) },
    });
  }
  const status = description.typedSearchAttributes.get(onboardingStatusSearchAttribute) ?? 'checks_running';
  return answer(onboardingId, 200, description.runId, status);
}

/** An onboarding that has ended: its recorded decision, or what Temporal says of it. */
async function endedAnswer(
  store: DecisionStore,
  onboardingId: string,
  description?: WorkflowExecutionDescription,
): Promise<Answer> {
  const [latest] = await store.decisionsFor(onboardingId);
  if (latest && (!description || latest.runId === description.runId)) {
    return answer(onboardingId, 200, latest.runId, latest.decision, { decision: latest });
  }
  if (!description) throw new HttpError(409, 'onboarding_in_flux', 'The onboarding changed while starting; try again');
  const status = description.typedSearchAttributes.get(onboardingStatusSearchAttribute);
  return answer(onboardingId, 200, description.runId, status ?? description.status.name.toLowerCase());
}

/** A run whose status is final but which has not ended yet: it is finishing its last writes. */
function isClosing(description: WorkflowExecutionDescription): boolean {
  const status = description.typedSearchAttributes.get(onboardingStatusSearchAttribute);
  return status !== undefined && (FINAL_STATUSES as readonly string[]).includes(status);
}
