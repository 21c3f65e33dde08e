import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkTypeSchema, type CheckType } from '../complycube/schemas';
import { ANALYSES, DEFAULT_ATTENTION, buildBreakdown } from './results';
import { WebhookDispatcher, type Webhook, type WebhookEvent, type WebhookFaultMode } from './webhooks';

/**
 * A local emulator of ComplyCube's sandbox API, for everything this product touches, with
 * test-control routes under `/_emulator` for outcomes, latency and fault injection.
 * It is a development tool: production code never imports it.
 */
export interface EmulatorOptions {
  /** Sandbox API keys accepted in the `Authorization` header. Default: `test_emulator_key`. */
  apiKeys?: string[];
  /** Requests per second per key before 429. ComplyCube's sandbox allows 5; 0 turns the limit off. */
  rateLimitPerSecond?: number;
  /** How long a check stays pending, per type, unless a client's behaviour says otherwise. */
  checkLatencyMs?: Partial<Record<CheckType, number>>;
  /** Multiplies ComplyCube's webhook retry schedule (60 s, 120 s, 480 s, ...). */
  webhookRetryTimeScale?: number;
  /** The longest a webhook receiver may take to answer. Default 15 s, as ComplyCube. */
  webhookDeliveryTimeoutMs?: number;
  /** Largest request body accepted before 413. Default 4 MiB. */
  bodyLimitBytes?: number;
  /** Log requests (no bodies). */
  logger?: boolean;
  /**
   * Webhooks registered at start, with a secret chosen here: an emulator-only convenience for
   * deployments (docker-compose's sandbox) whose API must know the secret before it starts.
   */
  webhooks?: { url: string; secret: string; events: string[] }[];
}

/** How a client's checks of one type behave, set through `POST /_emulator/clients/:id/behaviour`. */
export interface CheckBehaviour {
  outcome?: 'clear' | 'attention' | 'failed';
  attention?: string[];
  latencyMs?: number;
  neverComplete?: boolean;
}

type Fault =
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  | { kind: 'error'; status: number; type: string; message: string }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'drop_response' };

interface FaultRule {
  id: string;
  fault: Fault;
  method?: string;
  path?: string;
  remaining: number;
}

interface RequestRecord {
  method: string;
  route: string;
  status: number;
  clientId?: string;
  fault?: Fault['kind'];
  at: string;
}

interface Stored {
  id: string;
  createdAt: string;
  updatedAt: string;
  [key: string]: unknown;
}

interface StoredCheck extends Stored {
  clientId: string;
  type: CheckType;
  status: 'pending' | 'complete' | 'failed';
  result?: { outcome: string; breakdown?: Record<string, unknown> };
}

interface StoredDocument extends Stored {
  clientId: string;
  images: Partial<Record<'front' | 'back', Stored>>;
}

declare module 'fastify' {
  interface FastifyRequest {
    emulatorFault?: Fault;
    emulatorClientId?: string;
  }
}

const ID = /^[0-9a-f]{24}$/;
const newId = (): string => randomBytes(12).toString('hex');
const now = (): string => new Date().toISOString();

/** ComplyCube's error body. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}
const invalid = (param: string, message: string): ApiError => new ApiError(400, 'invalid_request', message, param);
const notFound = (what: string, param?: string): ApiError =>
  new ApiError(404, 'resource_not_found', `The requested ${what} was not found`, param);

/** Omits null, undefined and empty properties, as ComplyCube's responses do. */
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) =>
        value !== undefined &&
        value !== null &&
        value !== '' &&
        !(Array.isArray(value) && value.length === 0) &&
        !(typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0),
    ),
  ) as T;
}

function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function requiredString(body: Record<string, unknown>, param: string): string {
  const value = body[param];
  if (value === undefined || value === null || value === '') throw invalid(param, `"${param}" is required`);
  if (typeof value !== 'string') throw invalid(param, `"${param}" must be a string`);
  return value;
}

function optionalString(body: Record<string, unknown>, param: string): string | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(param, `"${param}" must be a string`);
  return value;
}

function requiredId(body: Record<string, unknown>, param: string): string {
  const value = requiredString(body, param);
  if (!ID.test(value)) throw invalid(param, `"${param}" is not a valid ID`);
  return value;
}

function oneOf<T extends string>(body: Record<string, unknown>, param: string, values: readonly T[]): T {
  const value = requiredString(body, param);
  if (!values.includes(value as T)) throw invalid(param, `"${param}" must be one of ${values.join(', ')}`);
  return value as T;
}

function paging(query: Record<string, string | undefined>): { page: number; pageSize: number } {
  const page = query.page === undefined ? 1 : Number(query.page);
  const pageSize = query.pageSize === undefined ? 100 : Number(query.pageSize);
  if (!Number.isInteger(page) || page < 1) throw invalid('page', '"page" must be an integer of at least 1');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw invalid('pageSize', '"pageSize" must be an integer from 1 to 1000');
  }
  return { page, pageSize };
}

function paginate<T>(items: T[], query: Record<string, string | undefined>) {
  const { page, pageSize } = paging(query);
  return {
    page,
    pageSize,
    totalItems: items.length,
    pages: Math.ceil(items.length / pageSize),
    items: items.slice((page - 1) * pageSize, page * pageSize),
  };
}

/** Newest first, as ComplyCube lists; ties keep the later insertion first. */
function newestFirst<T extends { createdAt: string }>(items: Iterable<T>): T[] {
  return [...items].reverse().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

const IMAGE_SIGNATURES = [
  Buffer.from([0xff, 0xd8, 0xff]), // JPEG
  Buffer.from([0x89, 0x50, 0x4e, 0x47]), // PNG
  Buffer.from('%PDF'),
];

const CHECK_EVENT_TYPES = [
  'check.pending',
  'check.completed',
  'check.completed.clear',
  'check.completed.attention',
  'check.failed',
  'check.updated',
] as const;

const checkBehaviourSchema = z.strictObject({
  outcome: z.enum(['clear', 'attention', 'failed']).optional(),
  attention: z.array(z.string()).optional(),
  latencyMs: z.number().int().min(0).optional(),
  neverComplete: z.boolean().optional(),
});
const behaviourBodySchema = z.strictObject({
  identity_fraud_check: checkBehaviourSchema.optional(),
  enhanced_identity_check: checkBehaviourSchema.optional(),
});
const rateLimitBodySchema = z.strictObject({ perSecond: z.number().min(0).max(10_000) });

const faultBodySchema = z.intersection(
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('rate_limit'), retryAfterSeconds: z.number().int().min(0).optional() }),
    z.strictObject({
      kind: z.literal('error'),
      status: z.number().int().min(400).max(599),
      type: z.string().optional(),
      message: z.string().optional(),
    }),
    z.strictObject({ kind: z.literal('delay'), delayMs: z.number().int().min(0) }),
    z.strictObject({ kind: z.literal('drop_response') }),
  ]),
  z.object({
    count: z.number().int().min(1).default(1),
    method: z.enum(['GET', 'POST', 'DELETE']).optional(),
    path: z.string().startsWith('/').optional(),
  }),
);
const webhookFaultBodySchema = z.strictObject({
  mode: z.enum(['drop', 'duplicate', 'delay', 'reorder'] satisfies WebhookFaultMode[]),
  count: z.number().int().min(1).default(1),
  delayMs: z.number().int().min(0).default(500),
});

/** The default error type for an injected status, as ComplyCube names them. */
function defaultErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request',
    401: 'unauthorized',
    402: 'payment_required',
    403: 'unauthorized',
    404: 'resource_not_found',
    413: 'request_too_large',
    422: 'processing_error',
    429: 'rate_limit_exceeded',
  };
  return types[status] ?? 'internal_server_error';
}

export interface Emulator {
  app: FastifyInstance;
  /** Starts listening; resolves to the base URL ending in `/v1`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const apiKeys = new Set(options.apiKeys ?? ['test_emulator_key']);
  let rateLimit = options.rateLimitPerSecond ?? 5;
  const latency: Record<CheckType, number> = {
    identity_fraud_check: options.checkLatencyMs?.identity_fraud_check ?? 1500,
    enhanced_identity_check: options.checkLatencyMs?.enhanced_identity_check ?? 3000,
  };

  const clients = new Map<string, Stored>();
  const addresses = new Map<string, Stored>();
  const documents = new Map<string, StoredDocument>();
  const liveVideos = new Map<string, Stored>();
  const checks = new Map<string, StoredCheck>();
  const webhooks = new Map<string, Webhook>();
  const behaviours = new Map<string, Partial<Record<CheckType, CheckBehaviour>>>();
  const faults: FaultRule[] = [];
  const requests: RequestRecord[] = [];
  const recentRequests = new Map<string, number[]>();
  const completionTimers = new Map<string, NodeJS.Timeout>();
  const dispatcher = new WebhookDispatcher({
    retryTimeScale: options.webhookRetryTimeScale ?? 1,
    deliveryTimeoutMs: options.webhookDeliveryTimeoutMs ?? 15_000,
  });

  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: options.bodyLimitBytes ?? 4 * 1024 * 1024,
    // The official SDK creates with `POST /v1/checks/`.
    routerOptions: { ignoreTrailingSlash: true },
  });

  // The official SDK sends `Content-Type: application/json` on bodiless GETs and DELETEs.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body: string, done) => {
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body) as unknown);
    } catch {
      done(invalid('body', 'The request body must be valid JSON'), undefined);
    }
  });

  const sendError = (reply: FastifyReply, error: ApiError) =>
    reply.code(error.status).send(compact({ type: error.type, message: error.message, param: error.param }));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    if (error.statusCode === 413) {
      return sendError(reply, new ApiError(413, 'request_too_large', 'The request body is too large'));
    }
    if (error.statusCode === 400 || error.statusCode === 415) {
      return sendError(reply, invalid('body', 'The request body must be valid JSON'));
    }
    app.log.error(error);
    return sendError(reply, new ApiError(500, 'internal_server_error', 'An internal error occurred'));
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, new ApiError(404, 'resource_not_found', 'Not found')));

  // The ComplyCube API: auth, fault injection and rate limit, in that order.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const key = request.headers.authorization;
    if (!key) return sendError(reply, new ApiError(401, 'unauthorized', 'No API key was provided'));
    if (key.startsWith('live_')) {
      return sendError(reply, new ApiError(403, 'unauthorized', 'Live keys cannot access the sandbox'));
    }
    if (!apiKeys.has(key)) return sendError(reply, new ApiError(401, 'unauthorized', 'The API key is invalid'));

    const path = request.url.slice(3).split('?')[0] ?? '';
    const rule = faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method === request.method) && (!f.path || path.startsWith(f.path)),
    );
    if (rule) {
      rule.remaining -= 1;
      request.emulatorFault = rule.fault;
      if (rule.fault.kind === 'rate_limit') {
        if (rule.fault.retryAfterSeconds !== undefined)
          reply.header('Retry-After', String(rule.fault.retryAfterSeconds));
        return sendError(reply, new ApiError(429, 'rate_limit_exceeded', 'Too many requests'));
      }
      if (rule.fault.kind === 'error') {
        return sendError(reply, new ApiError(rule.fault.status, rule.fault.type, rule.fault.message));
      }
    }

    if (rateLimit > 0) {
      const t = Date.now();
      const window = (recentRequests.get(key) ?? []).filter((at) => t - at < 1000);
      if (window.length >= rateLimit) {
        recentRequests.set(key, window);
        return sendError(reply, new ApiError(429, 'rate_limit_exceeded', 'Too many requests'));
      }
      window.push(t);
      recentRequests.set(key, window);
    }
  });

  // Injected response faults act after the request was processed: the caller cannot know it succeeded.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/v1/')) return payload;
    const fault = request.emulatorFault;
    requests.push({
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
      status: fault?.kind === 'drop_response' ? 0 : reply.statusCode,
      ...(request.emulatorClientId ? { clientId: request.emulatorClientId } : {}),
      ...(fault ? { fault: fault.kind } : {}),
      at: now(),
    });
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.kind === 'drop_response') request.raw.socket.destroy();
    return payload;
  });

  const ownedBy = (request: FastifyRequest, clientId: string | undefined) => {
    if (clientId) request.emulatorClientId = clientId;
  };

  function getOr404<T extends { id: string }>(map: Map<string, T>, id: string, what: string): T {
    const item = ID.test(id) ? map.get(id) : undefined;
    if (!item) throw notFound(what);
    return item;
  }

  function referencedBy<T extends Stored & { clientId?: unknown }>(
    map: Map<string, T>,
    body: Record<string, unknown>,
    param: string,
    clientId: string,
    what: string,
  ): T {
    const id = requiredId(body, param);
    const item = map.get(id);
    // Another client's object is as good as absent.
    if (!item || item.clientId !== clientId) throw notFound(what, param);
    return item;
  }

  // Clients.
  app.post('/v1/clients', async (request, reply) => {
    const body = objectBody(request);
    const type = oneOf(body, 'type', ['person', 'company'] as const);
    const email = requiredString(body, 'email');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw invalid('email', '"email" must be a valid email address');
    let entityName: string;
    if (type === 'person') {
      const details = body.personDetails;
      if (typeof details !== 'object' || details === null)
        throw invalid('personDetails', '"personDetails" is required');
      const person = details as Record<string, unknown>;
      const firstName = requiredString(person, 'firstName');
      const lastName = requiredString(person, 'lastName');
      entityName = `${firstName} ${lastName}`;
    } else {
      const details = body.companyDetails;
      if (typeof details !== 'object' || details === null) {
        throw invalid('companyDetails', '"companyDetails" is required');
      }
      entityName = requiredString(details as Record<string, unknown>, 'name');
    }
    const t = now();
    const client: Stored = compact({
      id: newId(),
      type,
      entityName,
      email,
      mobile: optionalString(body, 'mobile'),
      telephone: optionalString(body, 'telephone'),
      externalId: optionalString(body, 'externalId'),
      joinedDate: optionalString(body, 'joinedDate'),
      personDetails: type === 'person' ? body.personDetails : undefined,
      companyDetails: type === 'company' ? body.companyDetails : undefined,
      createdAt: t,
      updatedAt: t,
    });
    clients.set(client.id, client);
    ownedBy(request, client.id);
    return reply.code(200).send(client);
  });

  app.get<{ Params: { id: string } }>('/v1/clients/:id', async (request) => {
    const client = getOr404(clients, request.params.id, 'client');
    ownedBy(request, client.id);
    return client;
  });

  // Addresses.
  app.post('/v1/addresses', async (request) => {
    const body = objectBody(request);
    const clientId = requiredId(body, 'clientId');
    if (!clients.has(clientId)) throw notFound('client', 'clientId');
    const line = requiredString(body, 'line');
    const city = requiredString(body, 'city');
    const country = requiredString(body, 'country');
    if (!/^[A-Z]{2}$/.test(country)) throw invalid('country', '"country" must be an ISO 3166-1 alpha-2 code');
    const t = now();
    const address: Stored = compact({
      id: newId(),
      clientId,
      type: optionalString(body, 'type') ?? 'main',
      propertyNumber: optionalString(body, 'propertyNumber'),
      buildingName: optionalString(body, 'buildingName'),
      line,
      city,
      state: optionalString(body, 'state'),
      postalCode: optionalString(body, 'postalCode'),
      country,
      createdAt: t,
      updatedAt: t,
    });
    addresses.set(address.id, address);
    ownedBy(request, clientId);
    return address;
  });

  app.get<{ Params: { id: string } }>('/v1/addresses/:id', async (request) => {
    const address = getOr404(addresses, request.params.id, 'address');
    ownedBy(request, address.clientId as string);
    return address;
  });

  // Documents.
  const documentTypes = [
    'passport',
    'driving_license',
    'national_insurance_number',
    'social_security_number',
    'tax_identification_number',
    'utility_bill',
    'national_identity_card',
    'visa',
    'polling_card',
    'residence_permit',
    'birth_certificate',
    'bank_statement',
    'change_of_name',
    'tax_document',
    'company_confirmation_statement',
    'company_annual_accounts',
    'company_statement_of_capital',
    'company_change_of_address',
    'company_incorporation',
    'company_change_of_officers',
    'company_change_of_beneficial_owners',
    'unidentified',
    'other',
  ] as const;

  const presentDocument = (document: StoredDocument) => {
    const { images, ...rest } = document;
    return compact({ ...rest, images: Object.values(images) });
  };

  app.post('/v1/documents', async (request) => {
    const body = objectBody(request);
    const clientId = requiredId(body, 'clientId');
    if (!clients.has(clientId)) throw notFound('client', 'clientId');
    const type = oneOf(body, 'type', documentTypes);
    const issuingCountry = optionalString(body, 'issuingCountry');
    if (issuingCountry !== undefined && !/^[A-Z]{2}$/.test(issuingCountry)) {
      throw invalid('issuingCountry', '"issuingCountry" must be an ISO 3166-1 alpha-2 code');
    }
    const t = now();
    const document: StoredDocument = {
      id: newId(),
      clientId,
      type,
      classification: optionalString(body, 'classification'),
      issuingCountry,
      images: {},
      createdAt: t,
      updatedAt: t,
    };
    documents.set(document.id, document);
    ownedBy(request, clientId);
    return presentDocument(document);
  });

  app.get<{ Params: { id: string } }>('/v1/documents/:id', async (request) => {
    const document = getOr404(documents, request.params.id, 'document');
    ownedBy(request, document.clientId);
    return presentDocument(document);
  });

  app.post<{ Params: { id: string; side: string } }>('/v1/documents/:id/upload/:side', async (request) => {
    const document = getOr404(documents, request.params.id, 'document');
    ownedBy(request, document.clientId);
    const side = request.params.side;
    if (side !== 'front' && side !== 'back') throw invalid('documentSide', '"documentSide" must be front or back');
    const body = objectBody(request);
    const fileName = requiredString(body, 'fileName');
    const data = requiredString(body, 'data');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
      throw new ApiError(422, 'image_unreadable', 'The image data is not valid base64', 'data');
    }
    const bytes = Buffer.from(data, 'base64');
    const signature = IMAGE_SIGNATURES.findIndex((magic) => bytes.subarray(0, magic.length).equals(magic));
    if (signature < 0) throw new ApiError(422, 'image_unreadable', 'The image could not be read', 'data');
    const t = now();
    const image: Stored = {
      id: newId(),
      fileName,
      documentSide: side,
      downloadLink: `/documents/${document.id}/images/${side}/download`,
      contentType: ['image/jpeg', 'image/png', 'application/pdf'][signature],
      size: bytes.length,
      createdAt: t,
      updatedAt: t,
    };
    document.images[side] = image;
    document.updatedAt = t;
    return image;
  });

  // Live videos: ComplyCube's SDKs capture them; the emulator seeds them through a control route.
  app.get<{ Params: { id: string } }>('/v1/liveVideos/:id', async (request) => {
    const video = getOr404(liveVideos, request.params.id, 'live video');
    ownedBy(request, video.clientId as string);
    return video;
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/liveVideos', async (request) => {
    const clientId = request.query.clientId;
    ownedBy(request, clientId);
    return paginate(
      newestFirst(liveVideos.values()).filter((v) => v.clientId === clientId),
      request.query,
    );
  });

  // Checks.
  app.post('/v1/checks', async (request) => {
    const body = objectBody(request);
    const clientId = requiredId(body, 'clientId');
    const client = clients.get(clientId);
    if (!client) throw notFound('client', 'clientId');
    const typeValue = requiredString(body, 'type');
    const parsedType = checkTypeSchema.safeParse(typeValue);
    if (!parsedType.success) throw invalid('type', `"type" must be one of ${checkTypeSchema.options.join(', ')}`);
    const type = parsedType.data;
    ownedBy(request, clientId);

    const references: Record<string, string> = {};
    if (type === 'identity_fraud_check') {
      references.addressId = referencedBy(addresses, body, 'addressId', clientId, 'address').id;
    } else {
      if (client.type !== 'person') {
        throw invalid('clientId', 'Enhanced identity checks can only be performed on person clients');
      }
      const document = referencedBy(documents, body, 'documentId', clientId, 'document');
      if (!document.images.front) {
        throw invalid('documentId', 'The document must have a front image for an enhanced identity check');
      }
      references.documentId = document.id;
      references.liveVideoId = referencedBy(liveVideos, body, 'liveVideoId', clientId, 'live video').id;
    }

    const t = now();
    const check: StoredCheck = {
      id: newId(),
      clientId,
      entityName: client.entityName,
      type,
      ...references,
      enableMonitoring: typeof body.enableMonitoring === 'boolean' ? body.enableMonitoring : undefined,
      clientConsent: typeof body.clientConsent === 'boolean' ? body.clientConsent : undefined,
      status: 'pending',
      createdAt: t,
      updatedAt: t,
    };
    checks.set(check.id, check);
    emitCheckEvent(check, 'check.pending');
    scheduleCompletion(check);
    return presentCheck(check);
  });

  app.get<{ Params: { id: string } }>('/v1/checks/:id', async (request) => {
    const check = getOr404(checks, request.params.id, 'check');
    ownedBy(request, check.clientId);
    return presentCheck(check);
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/checks', async (request) => {
    const q = request.query;
    ownedBy(request, q.clientId);
    const filters = ['clientId', 'type', 'status', 'documentId', 'addressId', 'liveVideoId'] as const;
    const items = newestFirst(checks.values()).filter((check) =>
      filters.every((name) => q[name] === undefined || check[name] === q[name]),
    );
    return paginate(items.map(presentCheck), q);
  });

  app.post<{ Params: { id: string } }>('/v1/checks/:id/validate', async (request) => {
    const check = getOr404(checks, request.params.id, 'check');
    ownedBy(request, check.clientId);
    const body = objectBody(request);
    const outcome = oneOf(body, 'outcome', ['confirmed', 'rejected', 'attention'] as const);
    if (check.status === 'pending') {
      throw new ApiError(422, 'pending_check_unmodifiable', 'A pending check cannot be validated');
    }
    const comment = optionalString(body, 'comment');
    check.validation = compact({ outcome, comment });
    check.updatedAt = now();
    emitCheckEvent(check, 'check.updated');
    return compact({ id: check.id, outcome, comment });
  });

  // Webhooks.
  const presentWebhook = ({ secret: _secret, ...webhook }: Webhook) => compact({ ...webhook });

  function webhookFields(body: Record<string, unknown>, partial: boolean): Partial<Webhook> {
    const fields: Partial<Webhook> = {};
    if (!partial || body.url !== undefined) {
      const url = requiredString(body, 'url');
      if (!/^https?:\/\/[^\s]+$/.test(url)) throw invalid('url', '"url" must be an http or https URL');
      fields.url = url;
    }
    if (!partial || body.events !== undefined) {
      const events = body.events;
      if (!Array.isArray(events) || events.length === 0) throw invalid('events', '"events" must be a non-empty list');
      for (const event of events) {
        if (typeof event !== 'string' || !(CHECK_EVENT_TYPES as readonly string[]).includes(event)) {
          throw invalid('events', `"events" may contain only ${CHECK_EVENT_TYPES.join(', ')}`);
        }
      }
      fields.events = [...new Set(events as string[])];
    }
    if (body.enabled !== undefined) {
      if (typeof body.enabled !== 'boolean') throw invalid('enabled', '"enabled" must be a boolean');
      fields.enabled = body.enabled;
    }
    const description = optionalString(body, 'description');
    if (description !== undefined) fields.description = description;
    return fields;
  }

  app.post('/v1/webhooks', async (request) => {
    const fields = webhookFields(objectBody(request), false);
    const t = now();
    const webhook: Webhook = {
      id: newId(),
      url: fields.url!,
      events: fields.events!,
      enabled: fields.enabled ?? true,
      ...(fields.description ? { description: fields.description } : {}),
      secret: randomBytes(24).toString('base64url'),
      createdAt: t,
      updatedAt: t,
    };
    webhooks.set(webhook.id, webhook);
    // The secret is returned once, at creation.
    return compact({ ...webhook });
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/webhooks', async (request) =>
    paginate(newestFirst(webhooks.values()).map(presentWebhook), request.query),
  );

  app.get<{ Params: { id: string } }>('/v1/webhooks/:id', async (request) =>
    presentWebhook(getOr404(webhooks, request.params.id, 'webhook')),
  );

  app.post<{ Params: { id: string } }>('/v1/webhooks/:id', async (request) => {
    const webhook = getOr404(webhooks, request.params.id, 'webhook');
    Object.assign(webhook, webhookFields(objectBody(request), true), { updatedAt: now() });
    return presentWebhook(webhook);
  });

  app.delete<{ Params: { id: string } }>('/v1/webhooks/:id', async (request, reply) => {
    getOr404(webhooks, request.params.id, 'webhook');
    webhooks.delete(request.params.id);
    return reply.code(204).send();
  });

  // Check lifecycle.
  function presentCheck(check: StoredCheck) {
    return compact({ ...check });
  }

  function behaviourFor(check: StoredCheck): Required<Pick<CheckBehaviour, 'outcome' | 'attention'>> & CheckBehaviour {
    const client = clients.get(check.clientId);
    const person = client?.personDetails as Record<string, unknown> | undefined;
    const lastName = typeof person?.lastName === 'string' ? person.lastName : '';
    const configured = behaviours.get(check.clientId)?.[check.type] ?? {};
    // ComplyCube's documented sandbox triggers, unless a control route said otherwise.
    const triggered = lastName === 'attention' ? 'attention' : lastName === 'failed' ? 'failed' : 'clear';
    const outcome = configured.outcome ?? (configured.attention?.length ? 'attention' : triggered);
    return {
      ...configured,
      outcome,
      attention: outcome === 'attention' ? (configured.attention ?? [...DEFAULT_ATTENTION[check.type]]) : [],
    };
  }

  function scheduleCompletion(check: StoredCheck): void {
    const behaviour = behaviourFor(check);
    if (behaviour.neverComplete) return;
    const timer = setTimeout(() => {
      completionTimers.delete(check.id);
      completeCheck(check, behaviour);
    }, behaviour.latencyMs ?? latency[check.type]);
    completionTimers.set(check.id, timer);
  }

  function completeCheck(check: StoredCheck, behaviour: ReturnType<typeof behaviourFor>): void {
    if (check.status !== 'pending') return;
    check.updatedAt = now();
    if (behaviour.outcome === 'failed') {
      check.status = 'failed';
      emitCheckEvent(check, 'check.failed');
      return;
    }
    check.status = 'complete';
    check.result = { outcome: behaviour.outcome, breakdown: buildBreakdown(check.type, behaviour.attention) };
    emitCheckEvent(check, 'check.completed');
    emitCheckEvent(check, `check.completed.${behaviour.outcome}`);
  }

  function emitCheckEvent(check: StoredCheck, type: string): void {
    const event: WebhookEvent = {
      id: newId(),
      type,
      resourceType: 'check',
      payload: compact({
        id: check.id,
        status: check.status,
        outcome: check.result?.outcome,
        createdAt: check.createdAt,
        updatedAt: check.updatedAt,
      }),
      createdAt: now(),
    };
    dispatcher.dispatch(webhooks.values(), event);
  }

  // Test-control routes: no auth, never part of ComplyCube's API.
  const control = (body: unknown, schema: z.ZodType) => {
    const parsed = schema.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(issue?.path.join('.') || 'body', issue?.message ?? 'invalid');
    }
    return parsed.data;
  };

  app.post<{ Params: { clientId: string } }>('/_emulator/clients/:clientId/behaviour', async (request) => {
    const client = getOr404(clients, request.params.clientId, 'client');
    const body = control(request.body, behaviourBodySchema) as z.infer<typeof behaviourBodySchema>;
    for (const [type, behaviour] of Object.entries(body) as [CheckType, CheckBehaviour][]) {
      const unknown = (behaviour.attention ?? []).filter((path) => !ANALYSES[type].includes(path));
      if (unknown.length) throw invalid(`${type}.attention`, `unknown analyses: ${unknown.join(', ')}`);
    }
    const merged = { ...behaviours.get(client.id) };
    for (const [type, behaviour] of Object.entries(body) as [CheckType, CheckBehaviour][]) {
      merged[type] = { ...merged[type], ...behaviour };
    }
    behaviours.set(client.id, merged);
    return merged;
  });

  app.post('/_emulator/live-videos', async (request) => {
    const body = objectBody(request);
    const clientId = requiredId(body, 'clientId');
    if (!clients.has(clientId)) throw notFound('client', 'clientId');
    const t = now();
    const video: Stored = {
      id: newId(),
      clientId,
      language: optionalString(body, 'language') ?? 'en',
      challenges: [
        { type: 'head_movement', value: 'left' },
        { type: 'recite_digits', value: '7462' },
      ],
      createdAt: t,
      updatedAt: t,
    };
    liveVideos.set(video.id, video);
    return video;
  });

  app.post<{ Params: { id: string } }>('/_emulator/checks/:id/complete', async (request) => {
    const check = getOr404(checks, request.params.id, 'check');
    const body = control(request.body, checkBehaviourSchema.pick({ outcome: true, attention: true })) as CheckBehaviour;
    const behaviour = behaviourFor(check);
    const outcome = body.outcome ?? behaviour.outcome;
    clearTimeout(completionTimers.get(check.id));
    completeCheck(check, {
      outcome,
      attention: outcome === 'attention' ? (body.attention ?? behaviour.attention) : [],
    });
    return presentCheck(check);
  });

  app.post('/_emulator/faults', async (request) => {
    const body = control(request.body, faultBodySchema) as z.infer<typeof faultBodySchema>;
    const { count, method, path, ...spec } = body;
    const fault: Fault =
      spec.kind === 'error'
        ? {
            kind: 'error',
            status: spec.status,
            type: spec.type ?? defaultErrorType(spec.status),
            message: spec.message ?? 'Injected by the emulator',
          }
        : spec;
    const rule: FaultRule = {
      id: newId(),
      fault,
      remaining: count,
      ...(method ? { method } : {}),
      ...(path ? { path } : {}),
    };
    faults.push(rule);
    return rule;
  });

  app.get('/_emulator/faults', async () => faults.filter((f) => f.remaining > 0));

  // The rate limit, changed at run time (0: none), e.g. to seed a benchmark's applicants quickly.
  app.get('/_emulator/rate-limit', async () => ({ perSecond: rateLimit }));
  app.put('/_emulator/rate-limit', async (request) => {
    ({ perSecond: rateLimit } = control(request.body, rateLimitBodySchema) as z.infer<typeof rateLimitBodySchema>);
    recentRequests.clear();
    return { perSecond: rateLimit };
  });

  app.post('/_emulator/webhook-faults', async (request) => {
    const body = control(request.body, webhookFaultBodySchema) as z.infer<typeof webhookFaultBodySchema>;
    const fault = { mode: body.mode, remaining: body.count, delayMs: body.delayMs };
    dispatcher.faults.push(fault);
    return fault;
  });

  app.delete('/_emulator/faults', async (_request, reply) => {
    faults.length = 0;
    dispatcher.clearFaults();
    return reply.code(204).send();
  });

  app.get<{ Querystring: { clientId?: string } }>('/_emulator/requests', async (request) => {
    const { clientId } = request.query;
    const items = clientId ? requests.filter((r) => r.clientId === clientId) : requests;
    const byRoute: Record<string, number> = {};
    for (const r of items) byRoute[`${r.method} ${r.route}`] = (byRoute[`${r.method} ${r.route}`] ?? 0) + 1;
    return { total: items.length, byRoute, items };
  });

  app.get<{ Querystring: { eventType?: string } }>('/_emulator/webhook-deliveries', async (request) => {
    const { eventType } = request.query;
    return { items: dispatcher.deliveries.filter((d) => !eventType || d.eventType === eventType) };
  });

  app.post('/_emulator/reset', async (_request, reply) => {
    for (const timer of completionTimers.values()) clearTimeout(timer);
    completionTimers.clear();
    for (const map of [clients, addresses, documents, liveVideos, checks, webhooks, behaviours]) map.clear();
    faults.length = 0;
    requests.length = 0;
    recentRequests.clear();
    dispatcher.clearFaults();
    dispatcher.deliveries.length = 0;
    return reply.code(204).send();
  });

  for (const preset of options.webhooks ?? []) {
    const t = now();
    const webhook: Webhook = {
      id: newId(),
      ...preset,
      enabled: true,
      description: 'registered at start',
      createdAt: t,
      updatedAt: t,
    };
    webhooks.set(webhook.id, webhook);
  }

  return {
    app,
    async listen(port = 0, host = '127.0.0.1') {
      const address = await app.listen({ port, host });
      return `${address}/v1`;
    },
    async close() {
      for (const timer of completionTimers.values()) clearTimeout(timer);
      dispatcher.close();
      await app.close();
    },
  };
}
