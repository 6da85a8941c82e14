import { Semaphore } from 'async-mutex';

/**
 * Bytes of process memory one original pixel costs while it is decoded to
 * master size. Calibrated on the worst case the benchmark measures: a
 * progressive 18 MP JPEG, whose decoder holds every DCT coefficient of the
 * whole image before the first scanline comes out, peaked at ~300 MB of RSS
 * per photo in flight (758 MB for two over a ~150 MB idle process), ~16 B/px.
 * Baseline files cost about half that; the estimate stays conservative.
 */
export const DECODE_BYTES_PER_PIXEL = 16;

const MIB = 1024 ** 2;

/** The memory a conversion of a `width` × `height` original is expected to hold at its peak. */
export function decodeWorkingSet(width: number, height: number): number {
  return width * height * DECODE_BYTES_PER_PIXEL;
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
