import { Semaphore } from 'async-mutex';
import type { ImageFormat } from '../../lib/photos/formats.js';

/**
 * Bytes of process memory one original pixel costs while its conversion runs
 * (decode to master size, then the sizes). Calibrated on the worst case the
 * benchmark measures, a progressive 18 MP JPEG: its decoder holds every DCT
 * coefficient of the whole image (2 B per sample: 4 B/px at 4:2:2, 6 B/px at
 * 4:4:4) before the first scanline comes out. With the converter's malloc
 * settings (`MALLOC_ENV`), two in flight added ~125-150 MB each
 * (4:2:2, 7-8 B/px) and ~160 MB each re-encoded 4:4:4 (9 B/px); 10 keeps a
 * margin. Baseline files cost about a third of that.
 */
export const DECODE_BYTES_PER_PIXEL = 10;

/**
 * Peak resident bytes per pixel of the HEIC decoder (heif-convert, a child
 * process in the same pod): 84 MB on a 12 MP and 316 MB on a 48 MP HEIC
 * (BENCHMARKS.md), with 8-bit RGB out plus the decoder's YUV frame. It exits
 * before libvips reads its PNG, so the two peaks do not add up.
 */
export const HEIF_DECODE_BYTES_PER_PIXEL = 7;

const MIB = 1024 ** 2;

/** The memory a conversion of a `width` × `height` original is expected to hold at its peak. */
export function decodeWorkingSet(width: number, height: number, format?: ImageFormat): number {
  const perPixel =
    format === 'heic'
      ? Math.max(DECODE_BYTES_PER_PIXEL, HEIF_DECODE_BYTES_PER_PIXEL)
      : DECODE_BYTES_PER_PIXEL;
  return width * height * perPixel;
}

/**
 * Admits conversions by their estimated decode working set, not by count:
 * prefetch bounds how many tasks a pod holds, this bounds how many decode at
 * once, so two 18 MP photos run side by side while one 100 MP photo runs
 * alone. A task larger than the whole budget runs alone rather than never.
 */
export class DecodeAdmission {
  private readonly semaphore: Semaphore;
  private readonly budgetMiB: number;

  constructor(budgetBytes: number) {
    // Weights in MiB keep the semaphore's integers small and exact.
    this.budgetMiB = Math.max(1, Math.floor(budgetBytes / MIB));
    this.semaphore = new Semaphore(this.budgetMiB);
  }

  /** Runs `work` once `bytes` of the budget are free, and returns them after. */
  run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const weight = Math.min(this.budgetMiB, Math.max(1, Math.ceil(bytes / MIB)));
    return this.semaphore.runExclusive(work, weight);
  }

  /** MiB of the budget in use now, for the metrics. */
  get inUseBytes(): number {
    return (this.budgetMiB - this.semaphore.getValue()) * MIB;
  }
}
