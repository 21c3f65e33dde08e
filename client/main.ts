/**
 * `npm run onboarding -- <command>`: operate onboardings directly through Temporal.
 *
 *   start  --client-id ID --address-id ID --document-id ID --live-video-id ID [--review-sla 24h ...]
 *   show   ONBOARDING_ID
 *   list   [--status awaiting_review]
 *   claim | release ONBOARDING_ID --reviewer NAME
 *   review ONBOARDING_ID --decision approve|reject --reason TEXT --reviewer NAME
 *   audit ONBOARDING_ID                      (the audit trail; needs DATABASE_URL)
 *   sync-review-queue                        (after upgrading to 0.3.0)
 *   withdraw ONBOARDING_ID
 *
 * Connection settings come from the environment, as for the worker (TEMPORAL_ADDRESS, ...).
 */
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { describeZodError } from '../complycube/schemas';
import { clientInterceptors } from '../observability/tracing';
import { ConfigError, loadConfig, temporalConnectionOptions } from '../config/config';
import {
  auditCommand,
  claimCommand,
  reviewCommand,
  syncReviewQueueCommand,
  UsageError,
  type ReviewCommandContext,
} from './review-commands';
import { onboardingStartOptions } from './start-options';
import {
  WORKFLOW_TYPE,
  getStateQuery,
  onboardingIdFromWorkflowId,
  onboardingRequestSchema,
  onboardingStatusSchema,
  onboardingStatusSearchAttribute,
  onboardingWorkflowId,
  policyOverridesSchema,
  resolvePolicy,
} from '../workflows/onboarding-contract';

const USAGE = `usage: npm run onboarding -- <command>
  start    --client-id ID --address-id ID --document-id ID --live-video-id ID [--reverify]
           [--check-timeout D] [--review-sla D] [--review-expiry D]      (D: 30s, 15m, 24h, 7d;
           defaults from POLICY_* in the environment, else 24h, 24h, 30d)
  show     ONBOARDING_ID
  list     [--status checks_running|awaiting_review|escalated|awaiting_second_approval|approved|rejected|withdrawn]
  claim    ONBOARDING_ID --reviewer NAME      (holds the case for the policy's claim lease)
  release  ONBOARDING_ID --reviewer NAME
  review   ONBOARDING_ID --decision approve|reject --reason TEXT --reviewer NAME
  audit    ONBOARDING_ID                      (the audit trail; needs DATABASE_URL)
  sync-review-queue                           (puts runs in review before 0.3.0 on the review queue)
  withdraw ONBOARDING_ID`;

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      'client-id': { type: 'string' },
      'address-id': { type: 'string' },
      'document-id': { type: 'string' },
      'live-video-id': { type: 'string' },
      'check-timeout': { type: 'string' },
      'review-sla': { type: 'string' },
      'review-expiry': { type: 'string' },
      reverify: { type: 'boolean' },
      status: { type: 'string' },
      decision: { type: 'string' },
      reason: { type: 'string' },
      reviewer: { type: 'string' },
    },
  });
  const onboardingArg = () => {
    const id = positionals[0];
    if (!id) throw new UsageError(`${command} needs an ONBOARDING_ID`);
    return id;
  };

  const config = loadConfig();
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace, interceptors: clientInterceptors() });
  const desk: ReviewCommandContext = { client, config, print };
  try {
    switch (command) {
      case 'start': {
        const policy = Object.fromEntries(
          (
            [
              ['checkTimeout', values['check-timeout']],
              ['reviewSla', values['review-sla']],
              ['reviewExpiry', values['review-expiry']],
            ] as const
          ).filter(([, value]) => value !== undefined),
        );
        const parsed = onboardingRequestSchema.safeParse({
          clientId: values['client-id'],
          addressId: values['address-id'],
          documentId: values['document-id'],
          liveVideoId: values['live-video-id'],
        });
        if (!parsed.success) throw new UsageError(describeZodError(parsed.error));
        const overrides = policyOverridesSchema.safeParse(policy);
        if (!overrides.success) throw new UsageError(describeZodError(overrides.error));
        const resolved = resolvePolicy(config.policy, overrides.data);
        if (!resolved.success) throw new UsageError(describeZodError(resolved.error));
        const request = parsed.data;
        try {
          const handle = await client.workflow.start(
            WORKFLOW_TYPE,
            onboardingStartOptions(request, config.temporal.taskQueue, resolved.data, values.reverify ?? false),
          );
          print({ onboardingId: request.clientId, workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) {
            throw new UsageError(
              `client ${request.clientId} has an onboarding running, or one that ended (--reverify starts a new run then)`,
            );
          }
          throw error;
        }
        return;
      }
      case 'show':
        print(await client.workflow.getHandle(onboardingWorkflowId(onboardingArg())).query(getStateQuery));
        return;
      case 'list': {
        const status = values.status === undefined ? undefined : onboardingStatusSchema.safeParse(values.status);
        if (status && !status.success) throw new UsageError(`unknown status ${values.status}`);
        const query = [`WorkflowType = '${WORKFLOW_TYPE}'`];
        if (status?.data) query.push(`${onboardingStatusSearchAttribute.name} = '${status.data}'`);
        for await (const execution of client.workflow.list({ query: query.join(' AND ') })) {
          console.log(
            [
              onboardingIdFromWorkflowId(execution.workflowId) ?? execution.workflowId,
              execution.typedSearchAttributes.get(onboardingStatusSearchAttribute) ?? '-',
              execution.startTime.toISOString(),
            ].join('\t'),
          );
        }
        return;
      }
      case 'claim':
      case 'release':
        await claimCommand(desk, onboardingArg(), values.reviewer, command === 'release');
        return;
      case 'review':
        await reviewCommand(desk, onboardingArg(), values);
        return;
      case 'audit':
        await auditCommand(desk, onboardingArg());
        return;
      case 'sync-review-queue':
        await syncReviewQueueCommand(desk);
        return;
      case 'withdraw':
        await client.workflow.getHandle(onboardingWorkflowId(onboardingArg())).cancel();
        console.log('cancellation requested; the onboarding records "withdrawn"');
        return;
      default:
        throw new UsageError(command ? `unknown command ${command}` : 'no command');
    }
  } finally {
    await connection.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
  process.exit(1);
});
