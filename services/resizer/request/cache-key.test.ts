import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key.js';
import { negotiateFormat } from './negotiate.js';
import { parseRequest } from './parse.js';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const req = (query: string) =>
  parseRequest(ID, new URLSearchParams(query), { maxDimension: 8000, watermarkOptOut: true });

describe('cacheKey', () => {
  it('holds the negotiated format, not the Accept header', () => {
    const a = negotiateFormat('auto', 'image/webp,*/*', { avif: false });
    const b = negotiateFormat('auto', 'text/html, image/webp;q=0.9, image/png', { avif: false });
    expect(cacheKey(req('w=100'), a)).toBe(cacheKey(req('w=100'), b));
    expect(cacheKey(req('w=100'), 'webp')).not.toBe(cacheKey(req('w=100'), 'avif'));
  });

  it('keeps fmt=auto that negotiated AVIF apart from fmt=avif, which large outputs render differently', () => {
    expect(cacheKey(req('w=4000'), 'avif')).not.toBe(cacheKey(req('w=4000&fmt=avif'), 'avif'));
  });

  it('is the same for URLs that render the same picture', () => {
    expect(cacheKey(req('w=100&g=north'), 'jpeg')).toBe(cacheKey(req('w=100&fit=inside'), 'jpeg'));
    expect(cacheKey(req('w=50&dpr=2'), 'jpeg')).toBe(cacheKey(req('w=100'), 'jpeg'));
    expect(cacheKey(req('w=100&q=10'), 'png')).toBe(cacheKey(req('w=100'), 'png'));
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
    ].map((q) => cacheKey(req(q), 'jpeg'));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
