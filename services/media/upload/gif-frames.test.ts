import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { gifWithFrame } from '../../../test/support/hostile.js';
import { GifFrameScanner, type GifFrame } from './gif-frames.js';

function scan(data: Buffer, chunkSize: number): GifFrame[] {
  const frames: GifFrame[] = [];
  const scanner = new GifFrameScanner((f) => frames.push(f));
  for (let i = 0; i < data.length; i += chunkSize) scanner.push(data.subarray(i, i + chunkSize));
  return frames;
}

describe('GifFrameScanner', () => {
  it('reports every frame of an animation, whatever the chunking', async () => {
    const frames = await Promise.all(
      [0, 120, 240].map((r) =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g: 0, b: 0 } } })
          .png()
          .toBuffer(),
      ),
    );
    const animated = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    for (const size of [1, 7, 1 << 16]) {
      expect(scan(animated, size)).toEqual(Array(3).fill({ left: 0, top: 0, width: 40, height: 30 }));
    }
  });

  it('sees a frame larger than the screen the header declares', () => {
    expect(scan(gifWithFrame([16, 16], [17_000, 9_000]), 5)).toEqual([
      { left: 0, top: 0, width: 17_000, height: 9_000 },
    ]);
  });

  it('refuses an unknown block', () => {
    const bad = gifWithFrame([16, 16], [16, 16]);
    bad[19] = 0x99;
    expect(() => scan(bad, 64)).toThrow(/unknown block/);
  });
});
