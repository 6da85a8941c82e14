import type { RequestHandler, Response } from 'express';
import { HttpError } from '../../../lib/errors.js';
import type { MediaMetrics } from '../metrics.js';
import { verifyUploadToken, type UploadGrant } from './upload-token.js';

const GRANT = 'uploadGrant';

/** What the request's token grants, or undefined when uploads are open (no MEDIA_UPLOAD_KEYS). */
export const grantOf = (res: Response): UploadGrant | undefined =>
  res.locals[GRANT] as UploadGrant | undefined;

/**
 * Requires `Authorization: Bearer <upload token>` when `keys` are set, ahead
 * of the upload slots: a request with no valid token is answered 401 before
 * it takes a slot or a byte of its body is read, and its connection is closed
 * so the body never is. Without keys every upload passes, as before tokens.
 */
export function uploadAuthentication(keys: readonly string[], metrics: MediaMetrics): RequestHandler {
  return async (req, res, next) => {
    if (keys.length === 0) {
      next();
      return;
    }
    try {
      const token = bearerToken(req.get('authorization'));
      res.locals[GRANT] = await verifyUploadToken(token, keys);
      next();
    } catch (err) {
      metrics.uploads.inc({ result: 'refused' });
      res.set({ 'WWW-Authenticate': 'Bearer realm="enlarger uploads"', Connection: 'close' });
      next(err);
    }
  };
}

function bearerToken(header: string | undefined): string {
  if (header === undefined)
    throw new HttpError(401, 'token_required', 'uploads need an upload token: Authorization: Bearer <token>');
  const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (!token)
    throw new HttpError(401, 'token_malformed', 'the Authorization header must be "Bearer <token>"');
  return token;
}
