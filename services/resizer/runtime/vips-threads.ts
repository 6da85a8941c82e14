import sharp from 'sharp';

/** libvips worker threads for a render that runs alone, and for renders that share the cores. */
export interface VipsThreadsOptions {
  alone: number;
  shared: number;
}

/**
 * Sets libvips' thread count for each render as it starts. libvips reads
 * the count when a render's pipeline begins, so it is per render in effect,
 * though global in sharp's API. A render that has the pod to itself (a quiet
 * moment, or half load) gets every thread and finishes sooner; once renders
 * share the cores each gets one, as threads beyond the cores only add
 * hand-offs. A render that started alone keeps its threads if another
 * starts meanwhile: the overlap lasts at most one render.
 */
export class VipsThreads {
  constructor(private readonly options: VipsThreadsOptions) {
    sharp.concurrency(options.shared);
  }

  /** Call as a render takes its slot; `running` counts it. */
  starting(running: number): void {
    sharp.concurrency(running <= 1 ? this.options.alone : this.options.shared);
  }
}
