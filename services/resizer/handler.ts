import type { Request, RequestHandler, Response } from 'express';
import { FORMATS } from '../../lib/photos/formats.js';
import type { ByteCache } from './runtime/byte-cache.js';
import { cacheKey } from './request/cache-key.js';
import { ifNoneMatchHits } from './request/conditional.js';
import type { BackgroundAvif } from './runtime/background-avif.js';
import type { Coalescer } from './runtime/coalescer.js';
import { Deadline, DeadlineExceededError } from './runtime/deadline.js';
import { HttpError, notFound } from '../../lib/errors.js';
import type { PhotoManifest } from '../../lib/photos/manifest.js';
import { OverloadedError, type Limiter } from './runtime/limiter.js';
import { negotiate, type NegotiatedFormat } from './request/negotiate.js';
import { plan, renderPrepared, type RenderDeps } from './render/pipeline.js';
import type { Rendered } from './render/encode.js';
import { parseRequest, type ParseLimits, type ResizeRequest } from './request/parse.js';
import { verifySignature } from './request/verify.js';

export interface HandlerOptions {
  parse: ParseLimits;
  signingKeys: readonly string[];
  avif: boolean;
  /** fmt=auto AVIF not rendered yet: answer a stand-in now and render the AVIF in the background. */
  avifBackground: boolean;
  /** max-age of such a stand-in. */
  avifFallbackMaxAgeSeconds: number;
  /** max-age of a render of a photo that is not `ready` yet (rendered from the original). */
  processingMaxAgeSeconds: number;
  deadlineMs: number;
}

export interface HandlerDeps extends RenderDeps {
  outputs: ByteCache<Rendered>;
  renders: Coalescer<Rendered>;
  limiter: Limiter;
  background: BackgroundAvif;
}

/** Outputs of a `ready` photo never change for a URL: the CDN and browsers may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * `GET /v1/photos/:id`: parse → verify → negotiate → manifest → output
 * cache, and on a miss one coalesced render in a limited slot. How long the
 * answer may be kept follows what the manifest says:
 * - `ready`: immutable, and kept in the output cache under the manifest's
 *   version, so a changed or deleted record is never answered from it;
 * - `processing`: rendered from the original under a short max-age, with a
 *   provisional ETag, and never kept: the converted photo may render other
 *   bytes, and the conversion may still fail;
 * - `failed` or missing: 404 (the error middleware writes its caching).
 * With `avifBackground`, a fmt=auto AVIF miss is answered with a stand-in
 * (WebP) under a short max-age, and the AVIF is offered to the background
 * renderer. Overload adds `Retry-After` on the way to the error middleware.
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
      const { negotiated, standIn } = negotiate(request.format, req.get('accept'), {
        avif: options.avif,
        background: options.avifBackground,
      });
      // Only `fmt=auto` answers depend on Accept; fixed formats stay one CDN object.
      if (request.format === 'auto') res.vary('Accept');

      // Read on every request (through the manifest cache), so a failed or deleted photo stops
      // being served within the manifest TTL, cached output or not.
      const manifest = await untilAborted(
        deps.photos.manifest(request.id),
        deadline.signal(() => new DeadlineExceededError('storage')),
      );
      if (manifest.status === 'failed') throw notFound('photo_not_found', 'no such photo');
      if (manifest.status !== 'ready') {
        // The stand-in, when there is one, is also the cheaper render for an answer kept only briefly.
        const rendered = await fetchOrRender(manifest, request, standIn ?? negotiated, false);
        send(req, res, provisional(rendered), `public, max-age=${options.processingMaxAgeSeconds}`);
        return;
      }
      const key = cacheKey(request, negotiated, manifest.updatedAt);
      const cached = deps.outputs.get(key);
      if (cached) {
        cache = 'hit';
        send(req, res, cached, IMMUTABLE);
      } else if (standIn) {
        // Short-lived, so the CDN and browser come back for the AVIF once it is rendered.
        const rendered = await fetchOrRender(manifest, request, standIn, true);
        send(req, res, rendered, `public, max-age=${options.avifFallbackMaxAgeSeconds}`);
        deps.background.offer(key, manifest, request, rendered);
      } else {
        send(req, res, await fetchOrRender(manifest, request, negotiated, true), IMMUTABLE);
      }
    } catch (caught) {
      const err = killedAtDeadline(caught, deadline) ? new DeadlineExceededError('libvips') : caught;
      if (err instanceof OverloadedError) {
        deps.metrics.shed.inc();
        res.set('Retry-After', String(err.retryAfterSeconds));
      }
      next(err);
    } finally {
      deadline.dispose();
    }

    /**
     * The output cache, or one coalesced render on the request path. Only
     * outputs of a `ready` photo (`keep`) are read from and written to the
     * output cache.
     */
    async function fetchOrRender(
      manifest: PhotoManifest,
      request: ResizeRequest,
      negotiated: NegotiatedFormat,
      keep: boolean,
    ): Promise<Rendered> {
      const key = `${keep ? '' : 'provisional|'}${cacheKey(request, negotiated, manifest.updatedAt)}`;
      const rendered = keep ? deps.outputs.get(key) : undefined;
      if (rendered) {
        cache = 'hit';
        return rendered;
      }
      cache = deps.renders.has(key) ? 'coalesced' : 'miss';
      return deps.renders.run(key, async () => {
        // Shed before reading anything when this render could not finish in time.
        deps.limiter.admit(deadline.remainingMs());
        // Sized from the manifest before any decode, so the limiter can admit it by memory.
        const prepared = plan(manifest, request, negotiated, deps.settings);
        const output = await deps.limiter.run(
          () => renderPrepared(prepared, request, deadline, deps),
          // Run out of time waiting for a slot: that is overload, shed like a full queue.
          deadline.signal(() => deps.limiter.overloaded()),
          prepared.workingSetBytes,
        );
        if (keep) deps.outputs.set(key, output);
        return output;
      });
    }
  };
}

/**
 * A render of a photo still converting, marked so its ETag can't be taken
 * for the final output's: the same URL answers other bytes once the photo is
 * `ready`, and a cache revalidating with this ETag must get them.
 */
function provisional(rendered: Rendered): Rendered {
  return { ...rendered, etag: `"provisional-${rendered.etag.slice(1)}` };
}

function send(req: Request, res: Response, rendered: Rendered, cacheControl: string): void {
  res.set({
    ETag: rendered.etag,
    'Cache-Control': cacheControl,
    'Content-Type': FORMATS[rendered.format].mime,
  });
  if (ifNoneMatchHits(req.get('if-none-match'), rendered.etag)) {
    res.status(304).end();
    return;
  }
  res.set('Content-Length', String(rendered.body.length));
  res.status(200).end(rendered.body);
}

/**
 * A libvips failure once the deadline has passed is the deadline's doing.
 * Killed mid-operation, libvips does not always say `timeout`: under load it
 * also reports "killed for image", a failed buffer write or a warning turned
 * error, which would otherwise read as an unreadable source (422, cacheable
 * by a CDN) for a valid photo.
 */
function killedAtDeadline(err: unknown, deadline: Deadline): boolean {
  return deadline.expired && err instanceof HttpError && err.code === 'source_unreadable';
}

/** `work`, or `signal`'s reason if it aborts first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
