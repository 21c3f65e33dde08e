import { randomBytes } from 'node:crypto';
import { type FastifyRequest } from 'fastify';
import { type z } from 'zod';
import { invalid, notFound } from './http-errors';
import { type Fault, type Stored } from './state';

declare module 'fastify' {
  interface FastifyRequest {
    /** The injected fault this API call met, acted on when its response is sent. */
    emulatorFault?: Fault;
    /** The client the call concerns, for the request log. */
    emulatorClientId?: string;
  }
}

/** A JSON body and a query string, as handlers read them. */
export type Body = Record<string, unknown>;
export type Query = Record<string, string | undefined>;

const ID = /^[0-9a-f]{24}$/;
export const newId = (): string => randomBytes(12).toString('hex');
export const now = (): string => new Date().toISOString();

export function objectBody(request: FastifyRequest): Body {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'The request body must be a JSON object');
  return body as Body;
}

export function requiredString(body: Body, param: string): string {
  const value = body[param];
  if (value === undefined || value === null || value === '') throw invalid(param, `"${param}" is required`);
  if (typeof value !== 'string') throw invalid(param, `"${param}" must be a string`);
  return value;
}

export function optionalString(body: Body, param: string): string | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(param, `"${param}" must be a string`);
  return value;
}

export function requiredId(body: Body, param: string): string {
  const value = requiredString(body, param);
  if (!ID.test(value)) throw invalid(param, `"${param}" is not a valid ID`);
  return value;
}

export function oneOf<T extends string>(body: Body, param: string, values: readonly T[]): T {
  const value = requiredString(body, param);
  if (!values.includes(value as T)) throw invalid(param, `"${param}" must be one of ${values.join(', ')}`);
  return value as T;
}

function paging(query: Query): { page: number; pageSize: number } {
  const page = query.page === undefined ? 1 : Number(query.page);
  const pageSize = query.pageSize === undefined ? 100 : Number(query.pageSize);
  if (!Number.isInteger(page) || page < 1) throw invalid('page', '"page" must be an integer of at least 1');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw invalid('pageSize', '"pageSize" must be an integer from 1 to 1000');
  }
  return { page, pageSize };
}

/** ComplyCube's list envelope around one page of `items`. */
export function paginate<T>(items: T[], query: Query) {
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
export function newestFirst<T extends { createdAt: string }>(items: Iterable<T>): T[] {
  return [...items].reverse().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function getOr404<T extends { id: string }>(map: Map<string, T>, id: string, what: string): T {
  const item = ID.test(id) ? map.get(id) : undefined;
  if (!item) throw notFound(what);
  return item;
}

/** The object a body's `param` names, which must belong to `clientId`. */
export function referencedBy<T extends Stored & { clientId?: unknown }>(
  map: Map<string, T>,
  body: Body,
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

/** Notes the client an API call concerns, for the request log. */
export function ownedBy(request: FastifyRequest, clientId: string | undefined): void {
  if (clientId) request.emulatorClientId = clientId;
}

/** A control route's body, checked by `schema`; a mismatch is a 400 naming the field. */
export function controlBody<S extends z.ZodType>(body: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(issue?.path.join('.') || 'body', issue?.message ?? 'invalid');
  }
  return parsed.data;
}
