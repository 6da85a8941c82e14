import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpError } from '../../../lib/errors.js';
import {
  codedImage,
  heicFixtures,
  heifEnc,
  muxHeif,
  uprightMarker,
  type HeicFixture,
} from '../../../test/support/heif.js';
import { heifHeader, MAX_GRID_TILES } from './heif-header.js';
import { isComplete } from './trailer.js';

const tile = uprightMarker(64, 64).then((png) => codedImage(heifEnc(png)));

function refusal(data: Buffer): { status: number; code: string } | undefined {
  try {
    heifHeader(data);
    return undefined;
  } catch (err) {
    const { status, code } = err as HttpError;
    return { status, code };
  }
}

describe('heifHeader', () => {
  let fixtures: HeicFixture[];
  // Encoding the fixtures with heif-enc (x265) is setup, and slow on a busy machine: not the test's time.
  beforeAll(async () => {
    fixtures = await heicFixtures();
  }, 120_000);

  it('reads the stored size, irot and tiles of the rotated, Display P3 and grid HEICs', () => {
    const read = fixtures.map((f) => {
      const { width, height, rotation, tiles, hasAlpha } = heifHeader(f.data)!;
      return { name: f.name, size: [width, height], rotation, tiles, hasAlpha };
    });
    expect(read).toEqual([
      { name: 'rotated', size: [200, 320], rotation: 1, tiles: 1, hasAlpha: false },
      { name: 'display-p3', size: [256, 192], rotation: 0, tiles: 1, hasAlpha: false },
      { name: 'grid', size: [480, 400], rotation: 1, tiles: 4, hasAlpha: false },
    ]);
  });

  it('says "not in the head" when the meta box is cut off, rather than guessing', () => {
    const { data } = fixtures[0]!;
    expect(heifHeader(data.subarray(0, 100))).toBeUndefined();
  });

  it('finds a truncated upload by the data its items point at', () => {
    const { data } = fixtures[2]!;
    expect(isComplete('heic', data, data, data.length)).toBe(true);
    expect(isComplete('heic', data, data, data.length - 1)).toBe(false);
  });

  it('refuses a box whose size runs past its parent or is smaller than its header', () => {
    const data = Buffer.from(fixtures[1]!.data);
    const meta = data.indexOf('meta', 0, 'latin1') - 4;
    const pitm = data.indexOf('pitm', 0, 'latin1') - 4;
    const past = Buffer.from(data);
    past.writeUInt32BE(data.readUInt32BE(meta) + 4096, meta);
    expect(refusal(Buffer.concat([past, Buffer.alloc(4096)]))).toEqual({ status: 422, code: 'corrupt' });
    const tiny = Buffer.from(data);
    tiny.writeUInt32BE(4, pitm);
    expect(refusal(tiny)).toEqual({ status: 422, code: 'corrupt' });
    const huge = Buffer.from(data);
    huge.writeUInt32BE(0xffffffff, pitm);
    expect(refusal(huge)).toEqual({ status: 422, code: 'corrupt' });
  });

  it('refuses grids with too many tiles, tiles that do not cover the output, or an ispe the grid contradicts', async () => {
    const t = await tile;
    const many = muxHeif({
      tiles: Array.from({ length: 33 * 32 }, () => t),
      grid: { rows: 33, cols: 32, width: 2048, height: 2100 },
    });
    expect(MAX_GRID_TILES).toBeLessThan(33 * 32);
    expect(refusal(many)).toEqual({ status: 422, code: 'too_many_tiles' });
    const gap = muxHeif({ tiles: [t, t, t, t], grid: { rows: 2, cols: 2, width: 200, height: 128 } });
    expect(refusal(gap)).toEqual({ status: 422, code: 'corrupt' });
    const lying = muxHeif({
      tiles: [t, t],
      grid: { rows: 1, cols: 2, width: 128, height: 64 },
      ispe: [64, 64],
    });
    expect(refusal(lying)).toEqual({ status: 422, code: 'corrupt' });
    const missing = muxHeif({ tiles: [t, t, t], grid: { rows: 2, cols: 2, width: 128, height: 128 } });
    expect(refusal(missing)).toEqual({ status: 422, code: 'corrupt' });
  });

  it('refuses a HEIF that is not a still image with 415', () => {
    const data = Buffer.from(fixtures[1]!.data);
    data.write('msf1hevc', 8, 'latin1');
    const end = data.readUInt32BE(0);
    for (let at = 16; at < end; at += 4) data.write('hevc', at, 'latin1');
    expect(refusal(data)).toEqual({ status: 415, code: 'heif_not_still' });
  });
});
