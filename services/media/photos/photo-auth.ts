import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { forbidden, HttpError } from '../../../lib/errors.js';
import { verifyUploadToken, type PhotoScope, type UploadGrant } from '../upload/upload-token.js';

/**
 * Who is asking to change a photo: the site's back end with an admin key, a
 * token of the photo's owner, or anyone, when media has no keys at all
 * (open, like uploads, for a media that only the site can reach).
 */
export type PhotoPrincipal = { kind: 'admin' } | { kind: 'open' } | { kind: 'owner'; grant: UploadGrant };

const PRINCIPAL = 'photoPrincipal';

export const principalOf = (res: Response): PhotoPrincipal => res.locals[PRINCIPAL] as PhotoPrincipal;

/**
 * Authenticates `DELETE` and `PATCH /v1/photos/{id}`: `Authorization: Bearer`
 * with one of `adminKeys`, else an upload token (`uploadKeys`) whose
 * `owner` and `scope` {@link authorize} checks against the photo. With
 * upload keys but no admin keys both are refused, so that turning this
 * version on never gives holders of existing upload tokens a delete they
 * were not minted for; with neither, both are open.
 */
export function photoAuthentication(keys: {
  adminKeys: readonly string[];
  uploadKeys: readonly string[];
}): RequestHandler {
  const adminDigests = keys.adminKeys.map(digest);
  return async (req, res, next) => {
    try {
      res.locals[PRINCIPAL] = await principal(req.get('authorization'));
      next();
    } catch (err) {
      if (err instanceof HttpError && err.status === 401)
        res.set('WWW-Authenticate', 'Bearer realm="enlarger photos"');
      next(err);
    }
  };

  async function principal(header: string | undefined): Promise<PhotoPrincipal> {
    if (adminDigests.length === 0) {
      if (keys.uploadKeys.length === 0) return { kind: 'open' };
      throw forbidden('photo_admin_off', 'deleting and changing photos is off: MEDIA_ADMIN_KEYS is not set');
    }
    const bearer = bearerOf(header);
    // Compared as digests, in constant time: neither length nor content leaks through timing.
    const presented = digest(bearer);
    if (adminDigests.some((d) => timingSafeEqual(d, presented))) return { kind: 'admin' };
    if (keys.uploadKeys.length === 0)
      throw new HttpError(401, 'key_invalid', 'the bearer is not an admin key', false);
    return { kind: 'owner', grant: await verifyUploadToken(bearer, keys.uploadKeys) };
  }
}

/**
 * Whether `principal` may do `scope` to the photo `photo`: an admin or open
 * media always; an owner's token only with the scope, for a photo of the
 * same owner, and, when it names a photo id, only that one. 403 otherwise.
 */
export function authorize(
  principal: PhotoPrincipal,
  photo: { id: string; owner?: string },
  scope: PhotoScope,
): void {
  if (principal.kind !== 'owner') return;
  const { grant } = principal;
  if (!grant.scopes?.includes(scope))
    throw forbidden('scope_missing', `the token does not carry the ${scope} scope`);
  if (grant.photoId !== undefined && grant.photoId !== photo.id)
    throw forbidden('token_other_photo', 'the token is for another photo');
  if (grant.owner === undefined || grant.owner !== photo.owner)
    throw forbidden('not_owner', "the token's owner is not the photo's");
}

function bearerOf(header: string | undefined): string {
  const token = header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (!token)
    throw new HttpError(
      401,
      'token_required',
      'this needs Authorization: Bearer <admin key or token>',
      false,
    );
  return token;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
