import type { RequestHandler } from 'express';
import { HttpError } from '../../../lib/errors.js';
import type { UploadPolicy } from '../config.js';
import type { MediaMetrics } from '../metrics.js';

/**
 * Admits at most `maxConcurrent` uploads; the next one gets 503 with
 * Retry-After before a byte of its body is read, and its connection is closed
 * so the body is never read at all. A slot is freed when the response closes,
 * whether it finished, failed or the client hung up.
 */
export function uploadSlots(
  policy: Pick<UploadPolicy, 'maxConcurrent' | 'retryAfterSeconds'>,
  metrics: MediaMetrics,
): RequestHandler {
  let inFlight = 0;
  return (_req, res, next) => {
    if (inFlight >= policy.maxConcurrent) {
      metrics.uploads.inc({ result: 'shed' });
      res.set({ 'Retry-After': String(policy.retryAfterSeconds), Connection: 'close' });
      // Expected under load and cheap to answer: not logged as an error.
      next(new HttpError(503, 'too_many_uploads', 'too many uploads in progress; retry later', false));
      return;
    }
    inFlight++;
    metrics.uploadsInFlight.set(inFlight);
    res.once('close', () => {
      inFlight--;
      metrics.uploadsInFlight.set(inFlight);
    });
    next();
  };
}
