import { type CheckType } from '../complycube/schemas';
import { WebhookDispatcher, type Webhook } from './webhook-dispatcher';

/** An object as the emulator stores it: ComplyCube's fields, with its ID and timestamps. */
export interface Stored {
  id: string;
  createdAt: string;
  updatedAt: string;
  [key: string]: unknown;
}

/** A check and where it stands in its lifecycle. */
export interface StoredCheck extends Stored {
  clientId: string;
  type: CheckType;
  status: 'pending' | 'complete' | 'failed';
  result?: { outcome: string; breakdown?: Record<string, unknown> };
}

/** A document, with at most one image per side. */
export interface StoredDocument extends Stored {
  clientId: string;
  images: Partial<Record<'front' | 'back', Stored>>;
  /** Each side's uploaded bytes, in base64: answered by the download route, never shown with the document. */
  imageData: Partial<Record<'front' | 'back', string>>;
}

/** A live photo, with its uploaded bytes (base64), which only its download route answers. */
export interface StoredLivePhoto extends Stored {
  clientId: string;
  contentType: string;
  data: string;
}

/** How a client's checks of one type behave, set through `POST /_emulator/clients/:id/behaviour`. */
export interface CheckBehaviour {
  outcome?: 'clear' | 'attention' | 'failed';
  attention?: string[];
  latencyMs?: number;
  neverComplete?: boolean;
}

/** What an injected fault does to the API call it matches. */
export type Fault =
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  | { kind: 'error'; status: number; type: string; message: string }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'drop_response' };

/** A fault waiting for the next `remaining` API calls that match its method and path prefix. */
export interface FaultRule {
  id: string;
  fault: Fault;
  method?: string;
  path?: string;
  remaining: number;
}

/** One API call, as `GET /_emulator/requests` lists it. */
export interface RequestRecord {
  method: string;
  route: string;
  status: number;
  clientId?: string;
  fault?: Fault['kind'];
  at: string;
}

/** The settings `createEmulator` fixes at start. */
export interface StateSettings {
  apiKeys: string[];
  rateLimitPerSecond: number;
  checkLatencyMs: Record<CheckType, number>;
  webhookRetryTimeScale: number;
  webhookDeliveryTimeoutMs: number;
}

/**
 * Everything one emulator remembers, handed to each part explicitly: ComplyCube's objects,
 * the test controls' settings, the request log and the timers that complete checks.
 */
export interface EmulatorState {
  readonly apiKeys: ReadonlySet<string>;
  /** Requests per second per key before 429; 0: none. `PUT /_emulator/rate-limit` changes it. */
  rateLimitPerSecond: number;
  readonly checkLatencyMs: Readonly<Record<CheckType, number>>;
  readonly clients: Map<string, Stored>;
  readonly addresses: Map<string, Stored>;
  readonly documents: Map<string, StoredDocument>;
  readonly liveVideos: Map<string, Stored>;
  readonly livePhotos: Map<string, StoredLivePhoto>;
  readonly checks: Map<string, StoredCheck>;
  readonly webhooks: Map<string, Webhook>;
  readonly behaviours: Map<string, Partial<Record<CheckType, CheckBehaviour>>>;
  readonly faults: FaultRule[];
  readonly requests: RequestRecord[];
  /** Per API key, when its calls in the last second arrived. */
  readonly recentRequests: Map<string, number[]>;
  readonly completionTimers: Map<string, NodeJS.Timeout>;
  readonly dispatcher: WebhookDispatcher;
}

export function createState(settings: StateSettings): EmulatorState {
  return {
    apiKeys: new Set(settings.apiKeys),
    rateLimitPerSecond: settings.rateLimitPerSecond,
    checkLatencyMs: settings.checkLatencyMs,
    clients: new Map(),
    addresses: new Map(),
    documents: new Map(),
    liveVideos: new Map(),
    livePhotos: new Map(),
    checks: new Map(),
    webhooks: new Map(),
    behaviours: new Map(),
    faults: [],
    requests: [],
    recentRequests: new Map(),
    completionTimers: new Map(),
    dispatcher: new WebhookDispatcher({
      retryTimeScale: settings.webhookRetryTimeScale,
      deliveryTimeoutMs: settings.webhookDeliveryTimeoutMs,
    }),
  };
}

/** Stops every pending check from completing. */
export function cancelCompletions(state: EmulatorState): void {
  for (const timer of state.completionTimers.values()) clearTimeout(timer);
  state.completionTimers.clear();
}

/** Forgets every object, fault, request and delivery; the settings stay. */
export function resetState(state: EmulatorState): void {
  cancelCompletions(state);
  const { clients, addresses, documents, liveVideos, livePhotos, checks, webhooks, behaviours } = state;
  for (const map of [clients, addresses, documents, liveVideos, livePhotos, checks, webhooks, behaviours]) map.clear();
  state.faults.length = 0;
  state.requests.length = 0;
  state.recentRequests.clear();
  state.dispatcher.clearFaults();
  state.dispatcher.deliveries.length = 0;
}
