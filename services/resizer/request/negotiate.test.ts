import { describe, expect, it } from 'vitest';
import { negotiateFormat, resolveFormat } from './negotiate.js';

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

  it('settles legacy by alpha', () => {
    expect([
      resolveFormat('legacy', false),
      resolveFormat('legacy', true),
      resolveFormat('webp', true),
    ]).toEqual(['jpeg', 'png', 'webp']);
  });
});
