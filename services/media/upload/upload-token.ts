import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { HttpError, messageOf } from '../../../lib/errors.js';
import { isPhotoId } from '../../../lib/photos/keys.js';
import { normalisePhotographer } from './photographer.js';

/**
 * Upload tokens are JWTs signed with HS256 (RFC 7519), so the site mints one
 * with the JWT library of whatever language it is written in. The `typ`
 * header names them (RFC 8725, explicit typing): a JWT minted for anything
 * else with the same secret is not an upload token.
 */
export const UPLOAD_TOKEN_TYPE = 'enlarger-upload+jwt';

/** Longest `owner` accepted, in characters: an account id or a URL, never a document. */
const MAX_OWNER = 256;

/** What a verified token lets its holder upload. */
export interface UploadGrant {
  /** The most bytes the body may have. */
  maxBytes: number;
  expiresAt: Date;
  /** Opaque to media: stored in the manifest and shown by the status endpoint. */
  owner?: string;
  /** The credit, normalised as a header's would be; the client may not name another. */
  photographer?: string;
  /** The id the photo must get; a photo already stored under it is never replaced. */
  photoId?: string;
}

/** The claims of an upload token, besides `exp`, which jose checks. Unknown claims are ignored. */
const uploadClaims = z.object({
  exp: z.number(),
  max_bytes: z.int().positive().max(Number.MAX_SAFE_INTEGER),
  owner: z.string().min(1).max(MAX_OWNER).optional(),
  photographer: z.string().optional(),
  photo_id: z.string().refine(isPhotoId, { message: 'must be 22 characters of base64url' }).optional(),
});

type UploadClaims = z.input<typeof uploadClaims>;

/** HMAC keys are used as the UTF-8 bytes of their text, as JWT libraries take a string secret. */
export const hmacKey = (key: string): Uint8Array => new TextEncoder().encode(key);

/**
 * Signs an upload token with `key` (the first of MEDIA_UPLOAD_KEYS), valid
 * for `expiresInSeconds` from `now`. Its claims are checked by the schema
 * verifying reads, so no token is minted that media would refuse.
 */
export async function signUploadToken(
  key: string,
  grant: Omit<UploadGrant, 'expiresAt'> & { expiresInSeconds: number },
  now = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const photographer = normalisePhotographer(grant.photographer);
  const claims: UploadClaims = {
    exp: issuedAt + grant.expiresInSeconds,
    max_bytes: grant.maxBytes,
    ...(grant.owner !== undefined && { owner: grant.owner }),
    ...(photographer !== undefined && { photographer }),
    ...(grant.photoId !== undefined && { photo_id: grant.photoId }),
  };
  const checked = uploadClaims.safeParse(claims);
  if (!checked.success) throw new Error(`cannot sign these claims: ${problemsOf(checked.error)}`);
  return new SignJWT({ ...claims, iat: issuedAt })
    .setProtectedHeader({ alg: 'HS256', typ: UPLOAD_TOKEN_TYPE })
    .sign(hmacKey(key));
}

const problemsOf = (err: z.ZodError) => err.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');

const unauthorized = (code: string, message: string, cause?: unknown) =>
  new HttpError(401, code, message, false, { cause });

/**
 * Verifies `token` against every key (rotation: a token signed with an old
 * key passes until the key is removed) and returns what it grants. Refusals
 * are 401 with a code that says why: `token_malformed`, `token_forged` (no
 * key made its signature), `token_expired`, `token_invalid` (a claim is
 * missing or wrong). Only HS256 is accepted, so `alg: none` and key
 * confusion are ruled out; the signature comparison is jose's (WebCrypto's
 * HMAC verify), not ours.
 */
export async function verifyUploadToken(
  token: string,
  keys: readonly string[],
  now = new Date(),
): Promise<UploadGrant> {
  for (const key of keys) {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, hmacKey(key), {
        algorithms: ['HS256'],
        typ: UPLOAD_TOKEN_TYPE,
        requiredClaims: ['exp', 'max_bytes'],
        currentDate: now,
      }));
    } catch (err) {
      // Signed with another key, maybe: the next one may have made it.
      if (err instanceof errors.JWSSignatureVerificationFailed) continue;
      throw refusal(err) ?? err;
    }
    return grantOf(payload);
  }
  throw unauthorized('token_forged', 'the upload token was not signed with any upload key');
}

function grantOf(payload: JWTPayload): UploadGrant {
  const parsed = uploadClaims.safeParse(payload);
  if (!parsed.success) {
    throw unauthorized('token_invalid', `the upload token's claims are invalid: ${problemsOf(parsed.error)}`);
  }
  const claims = parsed.data;
  const photographer = tokenPhotographer(claims.photographer);
  return {
    maxBytes: claims.max_bytes,
    expiresAt: new Date(claims.exp * 1000),
    ...(claims.owner !== undefined && { owner: claims.owner }),
    ...(photographer !== undefined && { photographer }),
    ...(claims.photo_id !== undefined && { photoId: claims.photo_id }),
  };
}

/** The site minted a credit no header could carry: the token is at fault, not the client. */
function tokenPhotographer(value: string | undefined): string | undefined {
  try {
    return normalisePhotographer(value);
  } catch (err) {
    throw unauthorized('token_invalid', `the upload token's photographer is invalid: ${messageOf(err)}`, err);
  }
}

function refusal(err: unknown): HttpError | undefined {
  if (err instanceof errors.JWTExpired)
    return unauthorized('token_expired', 'the upload token has expired', err);
  if (err instanceof errors.JWTClaimValidationFailed)
    return unauthorized('token_invalid', `the upload token is invalid: ${err.message}`, err);
  if (err instanceof errors.JOSEAlgNotAllowed)
    return unauthorized('token_malformed', 'the upload token must be signed with HS256', err);
  if (err instanceof errors.JOSEError)
    return unauthorized('token_malformed', 'the upload token is not a signed JWT', err);
  return undefined;
}
