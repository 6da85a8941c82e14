import { describe, expect, it } from 'vitest';
import { negotiate, negotiateFormat, resolveFormat } from './negotiate.js';

const CHROME = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

describe('negotiateFormat', () => {
  it.each([
    [CHROME, true, 'avif'],
    [CHROME, false, 'webp'],
    ['image/webp,*/*', true, 'webp'],
    ['image/avif;q=0, image/webp', true, 'webp'],
    ['*/*', true, 'legacy'],
    ['image/*', true, 'legacy'],
    [undefined, true, 'legacy'],
  ])('Accept %j with AVIF %s gives %s', (accept, avif, expected) => {
    expect(negotiateFormat('auto', accept, { avif })).toBe(expected);
  });

  it('leaves an explicit format alone', () => {
    expect(negotiateFormat('png', CHROME, { avif: true })).toBe('png');
  });
});

describe('resolveFormat', () => {
  const photo = (hasAlpha: boolean, pixels = 1) => ({ hasAlpha, outputPixels: () => pixels });

  it('settles legacy by alpha', () => {
    expect([
      resolveFormat('legacy', 'auto', photo(false), 100),
      resolveFormat('legacy', 'auto', photo(true), 100),
      resolveFormat('webp', 'auto', photo(true), 100),
    ]).toEqual(['jpeg', 'png', 'webp']);
  });

  it('serves WebP for fmt=auto past the AVIF cap, and keeps an explicit fmt=avif', () => {
    expect([
      resolveFormat('avif', 'auto', photo(false, 100), 100),
      resolveFormat('avif', 'auto', photo(false, 101), 100),
      resolveFormat('avif', 'avif', photo(false, 101), 100),
    ]).toEqual(['avif', 'webp', 'avif']);
  });
});

describe('negotiate: the stand-in of a background AVIF', () => {
  const on = { avif: true, background: true };
  it.each([
    [CHROME, 'webp'],
    ['image/avif,*/*', 'legacy'],
  ])('fmt=auto negotiated AVIF with Accept %j stands in %s', (accept, expected) => {
    expect(negotiate('auto', accept, on)).toEqual({ negotiated: 'avif', standIn: expected });
  });

  it('leaves other negotiations, explicit AVIF and the feature off alone', () => {
    expect([
      negotiate('auto', 'image/webp', on).standIn,
      negotiate('auto', '*/*', on).standIn,
      negotiate('avif', CHROME, on).standIn,
      negotiate('auto', CHROME, { avif: true, background: false }).standIn,
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });
});
