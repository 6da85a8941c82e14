import { describe, expect, it } from 'vitest';
import { canonicalString, isValidSignature, signPath } from './signature.js';
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

  it('verifies what it signed, whatever the query order', () => {
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

  it('answers 403 for missing or bad signatures only when keys are set', () => {
    const query = new URLSearchParams('w=1');
    expect(() => verifySignature([], PATH, query, undefined)).not.toThrow();
    expect(() => verifySignature(['k'], PATH, query, undefined)).toThrow(
      expect.objectContaining({ status: 403, code: 'signature_missing' }) as Error,
    );
    expect(() => verifySignature(['k'], PATH, query, 'AAAA')).toThrow(
      expect.objectContaining({ status: 403, code: 'signature_invalid' }) as Error,
    );
  });
});
