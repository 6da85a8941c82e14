import { describe, expect, it } from 'vitest';
import { decodeHeader, MAX_PHOTOGRAPHER, normalisePhotographer } from './photographer.js';

describe('normalisePhotographer', () => {
  it('composes to NFC, collapses spaces and trims', () => {
    expect(normalisePhotographer('  Zoe\u0301   Ann\u00a0Example ')).toBe('Zoé Ann Example');
    expect(normalisePhotographer('Zoe\u0301')).toBe('Zo\u00e9');
  });

  it('treats blank as no photographer', () => {
    expect([normalisePhotographer(undefined), normalisePhotographer('   ')]).toEqual([undefined, undefined]);
  });

  it('refuses control characters, lone surrogates and bidi overrides with 400', () => {
    for (const bad of [
      'Ann\u0000',
      'Ann\nBob',
      'Ann\u001b[31m',
      'Ann\u0085',
      'Ann\ud800',
      'Ann\u202eelpmaxE',
    ]) {
      expect(() => normalisePhotographer(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ status: 400, code: 'bad_photographer' }),
      );
    }
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    expect(normalisePhotographer('📷'.repeat(MAX_PHOTOGRAPHER))).toHaveLength(2 * MAX_PHOTOGRAPHER);
    expect(() => normalisePhotographer('a'.repeat(MAX_PHOTOGRAPHER + 1))).toThrow(/at most 200/);
  });
});

describe('decodeHeader', () => {
  it('decodes UTF-8 bytes and keeps latin1 that is not UTF-8', () => {
    const utf8 = Buffer.from('Łukasz Zoë', 'utf8').toString('latin1');
    expect(decodeHeader(utf8)).toBe('Łukasz Zoë');
    expect(decodeHeader('Zo\u00eb')).toBe('Zoë');
  });
});
