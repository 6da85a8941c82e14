import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codedImage,
  heicFixtures,
  heifEnc,
  muxHeif,
  uprightMarker,
  type HeicFixture,
} from '../../../test/support/heif.js';
import { meanColour } from '../../../test/support/photos.js';
import { loadConverterConfig } from '../config.js';
import { decodeOriginal } from './decode-original.js';

const config = loadConverterConfig({});

describe('decodeOriginal of a HEIC', () => {
  let dir: string;
  let fixtures: HeicFixture[];
  // Encoding the fixtures with heif-enc (x265) is setup, and slow on a busy machine: not the test's time.
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'heic-decode-'));
    fixtures = await heicFixtures();
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function decode(name: string, data: Buffer, stored: [number, number]) {
    const file = path.join(dir, name);
    await writeFile(file, data);
    const original = {
      format: 'heic' as const,
      width: stored[0],
      height: stored[1],
      bytes: data.length,
      hasAlpha: false,
    };
    return decodeOriginal(file, original, config.master, config.maxPixels);
  }

  it('turns each iPhone family upright and into sRGB through its ICC profile', async () => {
    for (const f of fixtures) {
      const master = await decode(f.name, f.data, f.stored);
      expect([f.name, master.width, master.height]).toEqual([f.name, f.width, f.height]);
      const png = await sharp(master.data, { raw: master }).png().toBuffer();
      const region = f.marker
        ? { left: 4, top: 4, width: f.width / 4 - 8, height: f.height / 4 - 8 }
        : undefined;
      const [r, g, b] = await meanColour(png, region);
      const want = (f.marker ?? f.colour)!;
      expect([
        f.name,
        Math.abs(r - want[0]) < 12,
        Math.abs(g - want[1]) < 12,
        Math.abs(b - want[2]) < 12,
      ]).toEqual([f.name, true, true, true]);
      if (f.marker) {
        const far = await meanColour(png, { left: f.width - 20, top: f.height - 20, width: 16, height: 16 });
        expect(far.every((c) => c > 230)).toBe(true);
      }
    }
    // The decoded PNGs are removed with the call, not left beside the original.
    expect((await readdir(dir)).filter((n) => n.endsWith('.png'))).toEqual([]);
  });

  // glibc's per-thread arenas under the address-space limit once left libde265
  // waiting for a worker that never started: about half of these decodes hung.
  it('decodes the tiled grid 30 times in a row under its address-space limit', async () => {
    const grid = fixtures.find((f) => f.name === 'grid')!;
    for (let i = 0; i < 30; i++) {
      const master = await decode(`grid-${i}`, grid.data, grid.stored);
      expect([i, master.width, master.height]).toEqual([i, grid.width, grid.height]);
    }
  });

  it('fails a HEVC stream larger than its ispe, a truncated file and garbage, without crashing', async () => {
    const big = codedImage(heifEnc(await uprightMarker(640, 480)));
    const lying = muxHeif({ tiles: [big], ispe: [64, 48] });
    await expect(decode('lying', lying, [64, 48])).rejects.toThrow(/declared 64×48|heif-convert failed/);
    const { data, stored } = fixtures[1]!;
    await expect(decode('truncated', data.subarray(0, data.length - 200), stored)).rejects.toThrow(
      /heif-convert failed/,
    );
    const garbage = Buffer.concat([data.subarray(0, data.length - 300), Buffer.alloc(300, 0x5a)]);
    await expect(decode('garbage', garbage, stored)).rejects.toThrow();
  });
});
