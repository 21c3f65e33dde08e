/**
 * The API's own telemetry: a server span per request (continuing a caller's `traceparent`), the
 * request's duration by route template and status, and `GET /metrics` for Prometheus (no token:
 * labels hold no personal data; keep the port off the public internet like /healthz).
 */
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { ApiMetrics } from '../observability/metrics';
import { startServerSpan } from '../observability/tracing';

declare module 'fastify' {
  interface FastifyRequest {
    span?: Span;
  }
}

export function observe(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onRequest', (request, _reply, done) => {
    // The rest of the request runs inside the span's context, so its Temporal and ComplyCube calls nest in it.
    request.span = startServerSpan(request.method, request.headers, done);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const span = request.span;
    if (!span) return;
    span.updateName(`${request.method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': reply.statusCode });
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
