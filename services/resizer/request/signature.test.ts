import { describe, expect, it } from 'vitest';
import { canonicalSearch, canonicalString, isValidSignature, signPath } from './signature.js';
import { verifySignature } from './verify.js';

const PATH = '/v1/photos/AAAAAAAAAAAAAAAAAAAAAA';

function split(pathAndQuery: string): { pathname: string; query: URLSearchParams; s: string | undefined } {
  const url = new URL(pathAndQuery, 'http://x');
  return { pathname: url.pathname, query: url.searchParams, s: url.searchParams.get('s') ?? undefined };
}

describe('signatures', () => {
  it('canonicalises by sorting the query and leaving out s', () => {
    expect(canonicalString(PATH, new URLSearchParams('w=2&s=zz&fmt=webp&h=1'))).toBe(
      `${PATH}?fmt=webp&h=1&w=2`,
    );
    expect(canonicalString(PATH, new URLSearchParams(''))).toBe(PATH);
  });

  it('signs the canonical string, so the HMAC does not depend on the order parameters were parsed in', () => {
    const signed = split(signPath('k1', `${PATH}?w=400&fmt=webp`));
    const reordered = new URLSearchParams([...signed.query].reverse());
    expect(isValidSignature(['k1'], signed.pathname, reordered, signed.s!)).toBe(true);
  });

  it('refuses a tampered query or path', () => {
    const { pathname, query, s } = split(signPath('k1', `${PATH}?w=400`));
    query.set('w', '4000');
    expect(isValidSignature(['k1'], pathname, query, s!)).toBe(false);
    expect(isValidSignature(['k1'], `${PATH}x`, new URLSearchParams('w=400'), s!)).toBe(false);
  });

  it('verifies with every key, so keys can rotate', () => {
    const { pathname, query, s } = split(signPath('old', `${PATH}?w=1`));
    expect(isValidSignature(['new', 'old'], pathname, query, s!)).toBe(true);
    expect(isValidSignature(['new'], pathname, query, s!)).toBe(false);
  });

  it('replaces an existing signature when signing again', () => {
    expect(split(signPath('k', `${PATH}?w=1&s=stale`)).query.getAll('s')).toHaveLength(1);
  });

  it('signs into the canonical URL: sorted, s last', () => {
    const url = signPath('k1', `${PATH}?w=400&fmt=webp&s=stale`);
    expect(url).toMatch(new RegExp(`^${PATH}\\?fmt=webp&w=400&s=[A-Za-z0-9_-]{43}$`));
    const parsed = new URL(url, 'http://x');
    expect(canonicalSearch(parsed.searchParams)).toBe(parsed.search);
  });

  it('accepts only the canonical base64url spelling of a signature', () => {
    const { pathname, query, s } = split(signPath('k1', `${PATH}?w=400`));
    // The last of 43 characters carries 4 spare bits: these spellings decode to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const base = alphabet.indexOf(s!.at(-1)!) & ~0b1111;
    const twins = [...Array(16).keys()]
      .map((i) => s!.slice(0, -1) + alphabet[base + i])
      .filter((t) => t !== s && Buffer.from(t, 'base64url').equals(Buffer.from(s!, 'base64url')));
    expect(twins.length).toBeGreaterThan(0);
    for (const twin of twins) expect(isValidSignature(['k1'], pathname, query, twin)).toBe(false);
    expect(isValidSignature(['k1'], pathname, query, `${s!}=`)).toBe(false);
  });

  it('answers 403 for missing or bad signatures, 400 for non-canonical URLs, only when keys are set', () => {
    const url = (pathAndQuery: string) => new URL(pathAndQuery, 'http://x');
    expect(() => verifySignature([], url(`${PATH}?w=%34`), PATH, undefined)).not.toThrow();
    expect(() => verifySignature(['k'], url(`${PATH}?w=1`), PATH, undefined)).toThrow(
      expect.objectContaining({ status: 403, code: 'signature_missing' }) as Error,
    );
    expect(() => verifySignature(['k'], url(`${PATH}?w=1&s=AAAA`), PATH, 'AAAA')).toThrow(
      expect.objectContaining({ status: 403, code: 'signature_invalid' }) as Error,
    );
    const good = signPath('k', `${PATH}?w=400&fmt=webp`);
    const s = url(good).searchParams.get('s')!;
    expect(() => verifySignature(['k'], url(good), PATH, s)).not.toThrow();
    for (const variant of [
      good.replace('w=400', 'w=%34%30%30'),
      good.replace('w=400', '%77=400'),
      good.replace('&w=', '&&w='),
      good.replace('?fmt=webp&w=400', '?w=400&fmt=webp'),
      `${good}&`,
    ]) {
      expect(() => verifySignature(['k'], url(variant), PATH, s), variant).toThrow(
        expect.objectContaining({ status: 400, code: 'url_not_canonical' }) as Error,
      );
    }
  });
});
