import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { contextFrom, tracer } from './span.js';

/**
 * A SERVER span per request, continuing the caller's W3C `traceparent`
 * (the site's upload, a CDN's fetch) and active while the route runs, so
 * every span the handler makes is its child. Mounted only while tracing is
 * on (`createHttpService`); named by the matched route once it is known.
 */
export function traceRequests(): RequestHandler {
  return (req, res, next) => {
    const parent = contextFrom(req.headers);
    const span = tracer().startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'url.path': req.path },
      },
      parent,
    );
    res.once('close', () => {
      // Set by express once a route matched; unmatched requests keep the bare method.
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === 'string') {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      // Client errors are the client's: only a 5xx fails the server's span (the HTTP conventions).
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
