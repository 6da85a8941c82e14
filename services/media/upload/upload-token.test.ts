import { SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { hmacKey, signUploadToken, UPLOAD_TOKEN_TYPE, verifyUploadToken } from './upload-token.js';

const OLD = 'old-key-0123456789abcdef0123456789abcdef';
const NEW = 'new-key-0123456789abcdef0123456789abcdef';
const NOW = new Date('2026-05-01T12:00:00Z');
const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** A token as any JWT library would mint it, for claims signUploadToken would not write. */
const mint = (claims: JWTPayload, key = NEW, typ = UPLOAD_TOKEN_TYPE) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ }).sign(hmacKey(key));

const exp = Math.floor(NOW.getTime() / 1000) + 600;

/** The code a refused token answers with; fails the test when the token passes. */
async function refusalOf(token: string, keys = [NEW, OLD], now = NOW) {
  const err = await verifyUploadToken(token, keys, now).then(
    () => undefined,
    (e: unknown) => e as { status: number; code: string },
  );
  expect(err, 'the token was accepted').toBeDefined();
  return { status: err!.status, code: err!.code };
}

describe('upload tokens', () => {
  it('carry every grant from signing to verifying', async () => {
    const token = await signUploadToken(
      NEW,
      {
        maxBytes: 5_000_000,
        expiresInSeconds: 900,
        owner: 'user:42',
        photographer: ' Zoë  Ng ',
        photoId: ID,
      },
      NOW,
    );
    expect(await verifyUploadToken(token, [NEW], NOW)).toEqual({
      maxBytes: 5_000_000,
      expiresAt: new Date(NOW.getTime() + 15 * 60_000),
      owner: 'user:42',
      photographer: 'Zoë Ng',
      photoId: ID,
    });
  });

  it('leave out what was not granted', async () => {
    const token = await signUploadToken(NEW, { maxBytes: 1, expiresInSeconds: 60 }, NOW);
    expect(await verifyUploadToken(token, [NEW], NOW)).toEqual({
      maxBytes: 1,
      expiresAt: new Date(NOW.getTime() + 60_000),
    });
  });

  it('verify with any key while it rotates: signed with the old key, checked against new and old', async () => {
    const token = await signUploadToken(OLD, { maxBytes: 10, expiresInSeconds: 3600 }, NOW);
    expect((await verifyUploadToken(token, [NEW, OLD], NOW)).maxBytes).toBe(10);
    expect(await refusalOf(token, [NEW])).toEqual({ status: 401, code: 'token_forged' });
  });

  it('refuse a token after its expiry, and one without an expiry', async () => {
    const token = await signUploadToken(NEW, { maxBytes: 10, expiresInSeconds: 900 }, NOW);
    const later = new Date(NOW.getTime() + 16 * 60_000);
    expect(await refusalOf(token, [NEW], later)).toEqual({ status: 401, code: 'token_expired' });
    expect(await refusalOf(await mint({ max_bytes: 10 }))).toEqual({ status: 401, code: 'token_invalid' });
  });

  it('refuse a forged signature, a changed claim, alg none and another type of JWT', async () => {
    const token = await signUploadToken(NEW, { maxBytes: 10, expiresInSeconds: 900 }, NOW);
    const [header, , signature] = token.split('.');
    const raised = Buffer.from(JSON.stringify({ max_bytes: 10 ** 9, exp, iat: exp - 900 })).toString(
      'base64url',
    );
    expect(await refusalOf(`${header}.${raised}.${signature}`)).toEqual({
      status: 401,
      code: 'token_forged',
    });
    expect(
      await refusalOf(await mint({ max_bytes: 10, exp }, 'attacker-key-0123456789abcdef01234567')),
    ).toEqual({
      status: 401,
      code: 'token_forged',
    });
    const unsigned = new UnsecuredJWT({ max_bytes: 10, exp }).encode();
    expect(await refusalOf(unsigned)).toEqual({ status: 401, code: 'token_malformed' });
    expect(await refusalOf(await mint({ max_bytes: 10, exp }, NEW, 'JWT'))).toEqual({
      status: 401,
      code: 'token_invalid',
    });
    expect(await refusalOf('not.a.jwt')).toEqual({ status: 401, code: 'token_malformed' });
  });

  it('refuse claims that are missing or wrong: no size, a size that is no positive integer, a bad id', async () => {
    for (const claims of [
      { exp },
      { exp, max_bytes: 0 },
      { exp, max_bytes: 1.5 },
      { exp, max_bytes: '10' },
      { exp, max_bytes: 10, photo_id: '../../etc/passwd' },
      { exp, max_bytes: 10, owner: 'x'.repeat(257) },
      { exp, max_bytes: 10, photographer: 'Ann\u202eevil' },
    ]) {
      expect(await refusalOf(await mint(claims)), JSON.stringify(claims)).toEqual({
        status: 401,
        code: 'token_invalid',
      });
    }
  });
});
