/**
 * The review console's files, served by the API at `/console` (same origin: the session cookie is
 * SameSite=Strict, and nothing comes from a CDN). Every path under `/console/` that is not a file
 * is the application's own route, answered with its page. The console's pages carry a strict
 * Content-Security-Policy: scripts, styles and requests from this origin only.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_DIST } from '../config/paths';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

export async function consoleAssets(app: FastifyInstance, dist = CONSOLE_DIST): Promise<void> {
  const indexFile = path.join(dist, 'index.html');
  const built = existsSync(indexFile);
  app.addHook('onSend', async (request, reply) => {
    if (request.url === '/console' || request.url.startsWith('/console/')) {
      reply.header('content-security-policy', CONSOLE_CSP);
    }
  });
  const page = (reply: FastifyReply) => {
    if (!built) {
      return reply.code(503).send({
        error: 'console_not_built',
        message: 'The review console is not built: run npm run build:console',
      });
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(indexFile));
  };
  if (built) {
    // Vite names every asset by its content hash: they never change, so they are cached for good.
    await app.register(fastifyStatic, {
      root: path.join(dist, 'assets'),
      prefix: '/console/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
  // The router ignores trailing slashes: `/console/` reaches this route too, and gets the page.
  app.get('/console', { schema: { hide: true } }, async (request, reply) =>
    request.url.split('?')[0] === '/console' ? reply.redirect('/console/') : page(reply),
  );
  app.get('/console/*', { schema: { hide: true } }, async (request, reply) => {
    if (request.url.startsWith('/console/assets/')) {
      return reply.code(404).send({ error: 'not_found', message: 'No such file' });
    }
    return page(reply);
  });
}
