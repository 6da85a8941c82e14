import type { Request, RequestHandler, Response } from 'express';
import { FORMATS } from '../../lib/photos/formats.js';
import type { ByteCache } from './runtime/byte-cache.js';
import { cacheKey } from './request/cache-key.js';
import { ifNoneMatchHits } from './request/conditional.js';
import type { Coalescer } from './runtime/coalescer.js';
import { Deadline } from './runtime/deadline.js';
import { OverloadedError, type Limiter } from './runtime/limiter.js';
import { negotiateFormat } from './request/negotiate.js';
import { prepare, renderPrepared, type RenderDeps } from './render/pipeline.js';
import type { Rendered } from './render/encode.js';
import { parseRequest, type ParseLimits } from './request/parse.js';
import { verifySignature } from './request/verify.js';

export interface HandlerOptions {
  parse: ParseLimits;
  signingKeys: readonly string[];
  avif: boolean;
  deadlineMs: number;
}

export interface HandlerDeps extends RenderDeps {
  outputs: ByteCache<Rendered>;
  renders: Coalescer<Rendered>;
  limiter: Limiter;
}

/** Outputs never change for a URL: the CDN and browsers may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * `GET /v1/photos/:id`: parse → verify → negotiate → output cache, and on a
 * miss one coalesced render in a limited slot. Errors go to the shared error
 * middleware; overload adds `Retry-After` on the way.
 */
export function imageHandler(options: HandlerOptions, deps: HandlerDeps): RequestHandler<{ id: string }> {
  return async (req, res, next) => {
    const started = performance.now();
    let cache: 'hit' | 'miss' | 'coalesced' | 'none' = 'none';
    deps.metrics.requestsInFlight.inc();
    res.once('close', () => {
      deps.metrics.requestsInFlight.dec();
      const seconds = (performance.now() - started) / 1000;
      deps.metrics.requestDuration.observe({ cache, status: String(res.statusCode) }, seconds);
    });

    const deadline = new Deadline(options.deadlineMs);
    try {
      const url = new URL(req.originalUrl, 'http://resizer.invalid');
      const request = parseRequest(req.params.id, url.searchParams, options.parse);
      verifySignature(options.signingKeys, url, `/v1/photos/${request.id}`, request.signature);
      const negotiated = negotiateFormat(request.format, req.get('accept'), { avif: options.avif });
      // Only `fmt=auto` answers depend on Accept; fixed formats stay one CDN object.
      if (request.format === 'auto') res.vary('Accept');

      const key = cacheKey(request, negotiated);
      let rendered = deps.outputs.get(key);
      if (rendered) {
        cache = 'hit';
      } else {
        cache = deps.renders.has(key) ? 'coalesced' : 'miss';
        rendered = await deps.renders.run(key, async () => {
          // Sized from the manifest before any decode, so the limiter can admit it by memory.
          const prepared = await prepare(request, negotiated, deps);
          const output = await deps.limiter.run(
            () => renderPrepared(prepared, request, deadline, deps),
            deadline.signal('queue'),
            prepared.workingSetBytes,
          );
          deps.outputs.set(key, output);
          return output;
        });
      }
      send(req, res, rendered);
    } catch (err) {
      if (err instanceof OverloadedError) {
        deps.metrics.shed.inc();
        res.set('Retry-After', String(err.retryAfterSeconds));
      }
      next(err);
    } finally {
      deadline.dispose();
    }
  };
}

function send(req: Request, res: Response, rendered: Rendered): void {
  res.set({
    ETag: rendered.etag,
    'Cache-Control': IMMUTABLE,
    'Content-Type': FORMATS[rendered.format].mime,
  });
  if (ifNoneMatchHits(req.get('if-none-match'), rendered.etag)) {
    res.status(304).end();
    return;
  }
  res.set('Content-Length', String(rendered.body.length));
  res.status(200).end(rendered.body);
}
