/**
 * Errors that carry their meaning. Every error a request can meet knows its
 * own answer, as imgproxy's errctx does: {@link HttpError} and its subclasses
 * (storage and queue outages included) carry status, code and public message,
 * and one middleware writes them, with no table mapping types to statuses. Queue workers throw {@link UnrecoverableError}
 * to dead-letter a task at once; anything else is treated as transient and retried.
 */

/**
 * An error with an HTTP status, a stable machine code and a message safe to
 * show clients. `message` is for logs; `publicMessage`, when the log message
 * holds internals (a file path, a broker address), is what clients see.
 */
export class HttpError extends Error {
  readonly publicMessage: string;
  /** Whether a cache may keep this answer for a short while; see {@link ErrorCaching}. */
  readonly caching: ErrorCaching;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Log at error level (5xx: our fault) rather than debug (4xx: the client's). */
    readonly loud: boolean = status >= 500,
    options?: { cause?: unknown; publicMessage?: string; caching?: ErrorCaching },
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.publicMessage = options?.publicMessage ?? message;
    this.caching = options?.caching ?? defaultCaching(status);
  }

  toJSON(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.publicMessage } };
  }
}

/**
 * How long a cache (CDN, browser) may keep an error, written as
 * `Cache-Control` by the error middleware. `short`: the answer follows from
 * the URL or the photo's record and stays the same on a retry (a bad or
 * forged URL, a missing or failed photo), so a short public max-age shields
 * the origin from a flood of one bad URL and still lets a fix show up soon.
 * `no-store`: the answer may change on the next try (overload, a deadline,
 * a storage or queue outage, our own 500s, upload limits); a cache that kept
 * one would serve an outage after it ended.
 */
export type ErrorCaching = 'short' | 'no-store';

/** 400, 403, 404, 410 and 422 repeat for the same URL; every other status may not. */
function defaultCaching(status: number): ErrorCaching {
  return [400, 403, 404, 410, 422].includes(status) ? 'short' : 'no-store';
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);
export const forbidden = (code: string, message: string) => new HttpError(403, code, message);
export const notFound = (code: string, message: string) => new HttpError(404, code, message);
export const payloadTooLarge = (code: string, message: string) => new HttpError(413, code, message);
export const unsupportedMediaType = (code: string, message: string) => new HttpError(415, code, message);
export const unprocessable = (code: string, message: string) => new HttpError(422, code, message);
export const serviceUnavailable = (code: string, message: string, cause?: unknown) =>
  new HttpError(503, code, message, true, { cause });

/** A task that can never succeed (corrupt input, missing original): dead-letter it, don't retry. */
export class UnrecoverableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnrecoverableError';
  }
}

export const isUnrecoverable = (err: unknown): err is UnrecoverableError => err instanceof UnrecoverableError;

/** Best-effort message of an unknown thrown value. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
