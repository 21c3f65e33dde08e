/** What every route group is: a fastify plugin, typed by zod, given the API's shared context. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../context';

export type RouteGroup = FastifyPluginAsyncZod<{ context: ApiContext }>;
