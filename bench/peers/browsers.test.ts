import { describe, expect, it } from 'vitest';
import { BROWSER_ACCEPT, browserRequest, sniffFormat } from './browsers.js';

describe('browserRequest', () => {
  it('turns through DPR 1–3 and the three browsers', () => {
    expect(browserRequest('p_x', 0)).toEqual({
      path: '/v1/photos/p_x?w=160',
      accept: BROWSER_ACCEPT.chrome,
      width: 160,
    });
    expect(browserRequest('p_x', 4)).toEqual({
      path: '/v1/photos/p_x?w=308&dpr=2',
      accept: BROWSER_ACCEPT.firefox,
      width: 616,
    });
    expect(browserRequest('p_x', 8).accept).toBe(BROWSER_ACCEPT.safari);
    expect(browserRequest('p_x', 8).width).toBe((160 + 296) * 3);
  });
});

describe('sniffFormat', () => {
  it('tells the formats apart by their first bytes', () => {
    expect(sniffFormat(Buffer.from([0xff, 0xd8, 0xff]))).toBe('jpeg');
    expect(sniffFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBe('webp');
    expect(sniffFormat(Buffer.from('\0\0\0\x1cftypavif', 'latin1'))).toBe('avif');
    expect(sniffFormat(Buffer.from('\x89PNG\r\n', 'latin1'))).toBe('png');
    expect(sniffFormat(Buffer.from('GIF89a'))).toBeUndefined();
  });
});
