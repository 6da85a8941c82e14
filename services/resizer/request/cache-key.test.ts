import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key.js';
import { negotiateFormat } from './negotiate.js';
import { parseRequest } from './parse.js';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const V = '2026-12-06T00:00:00.000Z';
const req = (query: string) =>
  parseRequest(ID, new URLSearchParams(query), { maxDimension: 8000, watermarkOptOut: true });

describe('cacheKey', () => {
  it('holds the negotiated format, not the Accept header', () => {
    const a = negotiateFormat('auto', 'image/webp,*/*', { avif: false });
    const b = negotiateFormat('auto', 'text/html, image/webp;q=0.9, image/png', { avif: false });
    expect(cacheKey(req('w=100'), a, V)).toBe(cacheKey(req('w=100'), b, V));
    expect(cacheKey(req('w=100'), 'webp', V)).not.toBe(cacheKey(req('w=100'), 'avif', V));
  });

  it('keeps fmt=auto that negotiated AVIF apart from fmt=avif, which large outputs render differently', () => {
    expect(cacheKey(req('w=4000'), 'avif', V)).not.toBe(cacheKey(req('w=4000&fmt=avif'), 'avif', V));
  });

  it('is the same for URLs that render the same picture', () => {
    // parse refuses these spellings; the key still ignores what has no effect.
    const one = req('w=100');
    expect(cacheKey({ ...one, gravity: 'north' }, 'jpeg', V)).toBe(
      cacheKey({ ...one, fit: 'inside' }, 'jpeg', V),
    );
    expect(cacheKey(req('w=50&dpr=2'), 'jpeg', V)).toBe(cacheKey(req('w=100'), 'jpeg', V));
    expect(cacheKey(req('w=100&q=10'), 'png', V)).toBe(cacheKey(req('w=100'), 'png', V));
  });

  it('differs for every parameter that changes pixels', () => {
    const keys = [
      'w=100&h=100',
      'w=100&h=100&fit=contain',
      'w=100&h=100&g=north',
      'w=100&h=100&fx=0.1&fy=0.2',
      'w=100&h=100&q=50',
      'w=100&h=100&wm=0',
      'w=100&h=101',
    ].map((q) => cacheKey(req(q), 'jpeg', V));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('changes with the version of the photo record, so no output outlives its manifest', () => {
    expect(cacheKey(req('w=100'), 'jpeg', V)).not.toBe(
      cacheKey(req('w=100'), 'jpeg', '2026-12-06T00:00:01.000Z'),
    );
  });
});
