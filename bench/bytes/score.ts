/**
 * SSIMULACRA2 scores for `make bench-bytes`, from `ssimulacra2_rs` (crates.io,
 * built by `scripts/build-tools.sh ssimulacra2`). Both images are handed to
 * it as 8-bit sRGB PNGs decoded by sharp, so every format is read the same way.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/**
 * The reference an output of `width` x `height` is scored against: the
 * original, upright, downscaled with lanczos3 to exactly that size.
 */
export async function reference(original: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(original)
    .rotate()
    .resize({ width, height, fit: 'fill', kernel: 'lanczos3' })
    .toColourspace('srgb')
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** Scores `encoded` (any format sharp reads) against the PNG `referencePng`. */
export class Scorer {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
  ) {}

  static async create(bin: string): Promise<Scorer> {
    return new Scorer(bin, await mkdtemp(path.join(os.tmpdir(), 'bench-bytes-')));
  }

  async score(referencePng: Buffer, encoded: Buffer): Promise<number> {
    const ref = path.join(this.dir, 'ref.png');
    const dist = path.join(this.dir, 'dist.png');
    await writeFile(ref, referencePng);
    await writeFile(dist, await sharp(encoded).toColourspace('srgb').png({ compressionLevel: 1 }).toBuffer());
    const { stdout } = await run(this.bin, ['image', ref, dist]);
    const score = /(-?\d+(?:\.\d+)?)\s*$/.exec(stdout.trim());
    if (!score) throw new Error(`ssimulacra2_rs printed no score: ${stdout}`);
    return Number(score[1]);
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
