import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { gifWithScreen } from '../../../test/support/lying-headers.js';
import { load } from './load.js';

const limits = { maxSourcePixels: 150_000_000 };

describe('load, for an original', () => {
  // Issue 31: a record from before media read GIF canvases said 8×16383 for a 320×213 picture.
  it('refuses an original that decodes to another size than its record, with 422 source_unreadable', async () => {
    const gif = await gifWithScreen(320, 213, [8, 16_383]);
    const source = {
      key: 'k',
      kind: 'original' as const,
      format: 'gif' as const,
      width: 8,
      height: 16_383,
      gainMap: false,
    };
    await expect(load(gif, source, limits)).rejects.toMatchObject({
      status: 422,
      code: 'source_unreadable',
      cause: expect.objectContaining({
        message: expect.stringContaining('decodes to 320×213') as unknown,
      }) as unknown,
    });
  });

  it('opens an original whose record matches, with its size and orientation', async () => {
    const jpeg = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#888' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const source = {
      key: 'k',
      kind: 'original' as const,
      format: 'jpeg' as const,
      width: 60,
      height: 40,
      gainMap: false,
    };
    expect(await load(jpeg, source, limits)).toMatchObject({ width: 60, height: 40, orientation: 6 });
  });
});
