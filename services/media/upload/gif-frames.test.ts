import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { gifWithFrame } from '../../../test/support/hostile.js';
import { gifWithFrames } from '../../../test/support/lying-headers.js';
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

  // Issue 31: the canvas libnsgif builds, checked against libvips itself.
  it.each([
    ['a trusted screen, frames inside it', [100, 100], [{ left: 5, top: 5, width: 10, height: 10 }]],
    ['a 640×480 screen, which libnsgif distrusts', [640, 480], [{ left: 3, top: 3, width: 10, height: 10 }]],
    [
      'a 2049-wide screen, over what libnsgif trusts',
      [2049, 10],
      [{ left: 0, top: 0, width: 10, height: 10 }],
    ],
    [
      'frames that each fit but together grow it',
      [16, 16],
      [
        { left: 300, top: 0, width: 16, height: 16 },
        { left: 0, top: 200, width: 16, height: 16 },
      ],
    ],
  ] as const)('tracks the canvas libvips decodes: %s', async (_name, screen, frames) => {
    const gif = gifWithFrames([...screen], [...frames]);
    const scanner = new GifFrameScanner(() => undefined);
    scanner.push(gif);
    const { width, height } = await sharp(gif).metadata();
    expect(scanner.canvas).toEqual({ width, height });
  });
});
