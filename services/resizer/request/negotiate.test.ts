import { describe, expect, it } from 'vitest';
import { avifStandIn, negotiateFormat, resolveFormat } from './negotiate.js';

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

describe('avifStandIn', () => {
  const on = { background: true };
  it.each([
    [CHROME, 'webp'],
    ['image/avif,*/*', 'legacy'],
  ])('fmt=auto negotiated AVIF with Accept %j stands in %s', (accept, expected) => {
    expect(avifStandIn('auto', 'avif', accept, on)).toBe(expected);
  });

  it('leaves other negotiations, explicit AVIF and the feature off alone', () => {
    expect([
      avifStandIn('auto', 'webp', 'image/webp', on),
      avifStandIn('auto', 'legacy', '*/*', on),
      avifStandIn('avif', 'avif', CHROME, on),
      avifStandIn('auto', 'avif', CHROME, { background: false }),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });
});
