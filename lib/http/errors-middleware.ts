import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, type ErrorCaching } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** Seconds a cache may keep an error whose caching is `short`, unless a service says otherwise. */
export const ERROR_MAX_AGE_SECONDS = 60;

/**
 * The one place errors become responses. An {@link HttpError} (storage and
 * queue outages are ones) gives its own status, public message and
 * `Cache-Control`; anything else is our fault and answers a bland 500,
 * `no-store`, so internals never leak and no cache keeps it. Loud errors log
 * at error level, client errors at debug.
 */
export function errorMiddleware(
  log: Logger,
  errorMaxAgeSeconds = ERROR_MAX_AGE_SECONDS,
): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // Too late for a JSON body; cutting the connection tells the client it failed.
      next(err);
      return;
    }
    const httpError = toHttpError(err);
    const fields = {
      err,
      method: req.method,
      path: req.path,
      status: httpError.status,
      code: httpError.code,
    };
    if (httpError.loud) log.error(fields, httpError.publicMessage);
    else log.debug(fields, httpError.publicMessage);
    // Replaces whatever the handler set for the answer it did not finish (an output's `immutable`).
    res.set('Cache-Control', cacheControl(httpError.caching, errorMaxAgeSeconds));
    res.status(httpError.status).json(httpError.toJSON());
  };
}

/** Unmatched routes answer the same JSON shape as every other error. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  // body-parser and friends throw errors with a `status`; keep their 4xx meaning.
  const status = (err as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, 'bad_request', (err as Error).message);
  }
  return new HttpError(500, 'internal', 'internal server error', true, { cause: err });
}

function cacheControl(caching: ErrorCaching, maxAgeSeconds: number): string {
  return caching === 'short' ? `public, max-age=${maxAgeSeconds}` : 'no-store';
}
