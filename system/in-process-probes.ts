/** The in-process system's conveniences: seeding, calls to the emulator, starting and watching onboardings. */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { FRONT_IMAGE } from '../complycube-emulator/control/seeding';
import { seedApplicant, type SeededApplicant, type SeedOptions } from '../complycube-emulator/seed-applicant';
import type { DecisionStore } from '../store/decision-store';
import {
  WORKFLOW_TYPE,
  onboardingWorkflowId,
  type OnboardingInput,
  type OnboardingState,
  type PolicyOverrides,
  type ReviewCase,
} from '../workflows/onboarding-contract';
import { EMULATOR_KEY } from './in-process-credentials';

/** Fast timings for onboardings started directly; production defaults are days. */
export const FAST_POLICY = {
  checkTimeout: '30s',
  reviewSla: '1h',
  reviewExpiry: '2h',
  pollInterval: '10s',
  maxPollInterval: '10s',
  callTimeout: '5s',
} as const;

/** Calls on the running system, for the tests and tools that drive it. */
export interface SystemProbes {
  seed(options?: SeedOptions): Promise<SeededApplicant>;
  /** A call to the emulator's ComplyCube API (`/v1` + `path`), with the emulator's API key. */
  complyCube(method: string, path: string, body?: unknown): Promise<Response>;
  /** A new passport for a client, with its front image, through ComplyCube's own API: what an applicant resubmits. */
  newDocument(clientId: string): Promise<string>;
  /** POST to an emulator control route. */
  control(route: string, body?: unknown): Promise<unknown>;
  /** Starts an onboarding directly through Temporal, with `FAST_POLICY` under `policy`. */
  start(applicant: SeededApplicant, policy?: PolicyOverrides): Promise<WorkflowHandle>;
  /** Checks ComplyCube has for a client, by type. */
  checkCount(clientId: string): Promise<Record<string, number>>;
  /** ComplyCube API calls made for a client. */
  apiCalls(clientId: string): Promise<number>;
  state(handle: WorkflowHandle): Promise<OnboardingState>;
  waitForStatus(
    handle: WorkflowHandle,
    status: OnboardingState['status'],
    timeoutMs?: number,
  ): Promise<OnboardingState>;
  /**
   * Waits for the review queue row of an onboarding to reach a status. The workflow writes the row
   * by an activity after its own state changes, so a query can see the status before the row does.
   */
  waitForReviewCase(onboardingId: string, status: string, timeoutMs?: number): Promise<ReviewCase>;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 100));

export function systemProbes(parts: {
  client: Client;
  taskQueue: string;
  emulatorUrl: string;
  store: DecisionStore;
}): SystemProbes {
  const { client, taskQueue, emulatorUrl, store } = parts;
  const emulatorRoot = emulatorUrl.replace(/\/v1$/, '');
  const probes: SystemProbes = {
    seed: (seedOptions) => seedApplicant(emulatorUrl, EMULATOR_KEY, seedOptions),
    complyCube: (method, path, body) =>
      fetch(`${emulatorUrl}${path}`, {
        method,
        headers: { Authorization: EMULATOR_KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async newDocument(clientId) {
      const created = await probes.complyCube('POST', '/documents', {
        clientId,
        type: 'passport',
        issuingCountry: 'GB',
      });
      if (!created.ok) throw new Error(`document: ${created.status} ${await created.text()}`);
      const { id } = (await created.json()) as { id: string };
      const uploaded = await probes.complyCube('POST', `/documents/${id}/upload/front`, {
        fileName: 'passport-front.jpg',
        data: FRONT_IMAGE,
      });
      if (!uploaded.ok) throw new Error(`document image: ${uploaded.status} ${await uploaded.text()}`);
      return id;
    },
    async control(route, body) {
      const response = await fetch(`${emulatorRoot}/_emulator${route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      if (!response.ok) throw new Error(`control ${route}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? undefined : response.json();
    },
    async start(applicant, policy = {}) {
      const input: OnboardingInput = { ...applicant, policy: { ...FAST_POLICY, ...policy } };
      return client.workflow.start(WORKFLOW_TYPE, {
        workflowId: onboardingWorkflowId(applicant.clientId),
        taskQueue,
        args: [input],
      });
    },
    async checkCount(clientId) {
      const response = await probes.complyCube('GET', `/checks?clientId=${clientId}`);
      const { items } = (await response.json()) as { items: { type: string }[] };
      const counts: Record<string, number> = {};
      for (const item of items) counts[item.type] = (counts[item.type] ?? 0) + 1;
      return counts;
    },
    async apiCalls(clientId) {
      const response = await fetch(`${emulatorRoot}/_emulator/requests?clientId=${clientId}`);
      const { items } = (await response.json()) as { items: { route: string }[] };
      // Seeding the applicant is not the onboarding's doing.
      return items.filter((r) => r.route.startsWith('/v1/checks')).length;
    },
    state: (handle) => handle.query<OnboardingState>('getState'),
    async waitForStatus(handle, status, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last: OnboardingState | undefined;
      while (Date.now() < until) {
        try {
          last = await handle.query<OnboardingState>('getState');
          if (last.status === status) return last;
        } catch {
          // The first workflow task may not have run yet.
        }
        await pause();
      }
      throw new Error(`onboarding did not reach ${status}; last state: ${JSON.stringify(last)}`);
    },
    async waitForReviewCase(onboardingId, status, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last: ReviewCase | undefined;
      while (Date.now() < until) {
        last = await store.reviewCaseFor(onboardingId);
        if (last?.status === status) return last;
        await pause();
      }
      throw new Error(`review case did not reach ${status}; last: ${JSON.stringify(last?.status)}`);
    },
  };
  return probes;
}
