import type { Logger } from '../../../lib/log/logger.js';
import type { ResizerMetrics } from '../metrics.js';
import type { Rendered } from '../render/encode.js';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';
import { plan, renderPrepared, type RenderDeps } from '../render/pipeline.js';
import type { ResizeRequest } from '../request/parse.js';
import type { ByteCache } from './byte-cache.js';
import type { Coalescer } from './coalescer.js';
import { Deadline } from './deadline.js';
import type { Limiter } from './limiter.js';

export interface BackgroundAvifDeps extends RenderDeps {
  outputs: ByteCache<Rendered>;
  renders: Coalescer<Rendered>;
  limiter: Limiter;
  metrics: ResizerMetrics;
  log: Logger;
}

/** The limiter had no slot to spare: the next request for the output tries again. */
class SkippedError extends Error {}

/**
 * Renders `fmt=auto` AVIF outputs off the request path, into the output
 * cache, while requests are answered with a stand-in. Lowest priority: it
 * starts only when the limiter is idle and never waits for a slot, so under
 * load it is skipped rather than delaying requests; every later request for
 * the output offers it again. Coalesced with request renders by cache key,
 * so one output is never rendered twice at once.
 */
export class BackgroundAvif {
  constructor(
    private readonly deps: BackgroundAvifDeps,
    private readonly deadlineMs: number,
  ) {}

  /**
   * Starts rendering `key` (fmt=auto negotiated to AVIF, of a `ready` photo
   * at the version of `manifest`) unless it is already under way or the
   * limiter is busy.
   */
  offer(key: string, manifest: PhotoManifest, request: ResizeRequest): void {
    const { renders, limiter, metrics } = this.deps;
    if (renders.has(key)) return;
    if (!limiter.idleForBackground) {
      metrics.backgroundRenders.inc({ outcome: 'skipped' });
      return;
    }
    renders
      .run(key, () => this.render(key, manifest, request))
      .then(
        () => metrics.backgroundRenders.inc({ outcome: 'rendered' }),
        (err: unknown) => {
          const skipped = err instanceof SkippedError;
          metrics.backgroundRenders.inc({ outcome: skipped ? 'skipped' : 'failed' });
          if (!skipped) this.deps.log.warn({ err, key }, 'background AVIF render failed');
        },
      );
  }

  private async render(key: string, manifest: PhotoManifest, request: ResizeRequest): Promise<Rendered> {
    const deadline = new Deadline(this.deadlineMs);
    try {
      // Off the request path the AVIF pixel cap does not apply: the asked size comes back as AVIF.
      const prepared = plan(manifest, request, 'avif', this.deps.settings, 'background');
      const output = await this.deps.limiter.runInBackground(
        () => renderPrepared(prepared, request, deadline, this.deps),
        prepared.workingSetBytes,
      );
      if (!output) throw new SkippedError();
      this.deps.outputs.set(key, output);
      return output;
    } finally {
      deadline.dispose();
    }
  }
}
