import { describe, expect, it } from 'vitest';
import { checkAnswer, mixWidth, peerPath, type PeerRequest } from './urls.js';

const r: PeerRequest = {
  photoId: 'p_abc',
  sourceKey: 'photos/p_abc/master.jpg',
  width: 640,
  format: 'jpeg',
  quality: 80,
};

describe('peerPath', () => {
  it('asks each server for the same JPEG', () => {
    expect(peerPath('enlarger', r)).toBe('/v1/photos/p_abc?w=640&fmt=jpeg&q=80&wm=0');
    expect(peerPath('enlarger-wm', r)).toBe('/v1/photos/p_abc?w=640&fmt=jpeg&q=80');
    expect(peerPath('imgproxy', r)).toBe(
      '/insecure/rs:fit:640:0/q:80/plain/local:///photos/p_abc/master.jpg@jpg',
    );
    expect(peerPath('imgproxy-wm', r)).toBe(
      '/insecure/rs:fit:640:0/q:80/wm:0.6:soea:0:0:0.15/plain/local:///photos/p_abc/master.jpg@jpg',
    );
    expect(peerPath('thumbor', r)).toBe(
      '/unsafe/640x0/filters:quality(80):format(jpeg)/photos/p_abc/master.jpg',
    );
  });
  it('asks each server for the same WebP or AVIF', () => {
    const webp = { ...r, format: 'webp' as const };
    expect(peerPath('enlarger', webp)).toBe('/v1/photos/p_abc?w=640&fmt=webp&q=80&wm=0');
    expect(peerPath('imgproxy', webp)).toBe(
      '/insecure/rs:fit:640:0/q:80/plain/local:///photos/p_abc/master.jpg@webp',
    );
    expect(peerPath('imgproxy-wm', { ...r, format: 'avif' })).toBe(
      '/insecure/rs:fit:640:0/q:80/wm:0.6:soea:0:0:0.15/plain/local:///photos/p_abc/master.jpg@avif',
    );
    expect(peerPath('thumbor', webp)).toBe(
      '/unsafe/640x0/filters:quality(80):format(webp)/photos/p_abc/master.jpg',
    );
  });
});

describe('mixWidth', () => {
  it('stays within 160–1600 and does not repeat for 1441 requests', () => {
    const widths = Array.from({ length: 1441 }, (_, n) => mixWidth(n));
    expect(Math.min(...widths)).toBe(160);
    expect(Math.max(...widths)).toBe(1600);
    expect(new Set(widths).size).toBe(1441);
  });
});

describe('checkAnswer', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
  it('accepts a JPEG of the asked width', () => {
    expect(checkAnswer(jpeg, 640, 640)).toBeUndefined();
  });
  it('names a wrong format or width', () => {
    expect(checkAnswer(Buffer.from('RIFF....WEBP'), 640, 640)).toBe('not jpeg (webp)');
    expect(checkAnswer(jpeg, 639, 640)).toBe('width 639, asked 640');
    expect(checkAnswer(jpeg, 640, 640, 'avif')).toBe('not avif (jpeg)');
  });
  it('accepts the asked format', () => {
    expect(checkAnswer(Buffer.from('RIFF....WEBP'), 640, 640, 'webp')).toBeUndefined();
  });
});
