import { inject } from 'light-my-request';
import { Registry } from 'prom-client';
import { createLogger } from '../../lib/log/logger.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { loadResizerConfig, type ResizerConfig } from '../../services/resizer/config.js';
import { createResizerService } from '../../services/resizer/service.js';
import { MISS_WIDTHS } from '../../test/support/miss-mix.js';

/**
 * The resizer as its own factory builds it (createResizerService), on the
 * seeded filesystem store in `dataDir` (bench/resizer/seed.ts: logo and
 * attribution on), driven without a socket: light-my-request hands each URL
 * to the service's Express app as Node's HTTP server would. Parse, verify,
 * negotiate, the limiter, the caches and the pipeline all run; TCP does not.
 * RESIZER_VIPS_THREADS from the environment, when set, prices the service's
 * setting of that name.
 */
export function inProcessResizer(
  dataDir: string,
  registry = new Registry(),
): { config: ResizerConfig; renderUrl: (url: string) => Promise<void> } {
  const config = loadResizerConfig({
    STORAGE_KIND: 'fs',
    DATA_DIR: dataDir,
    RESIZER_WATERMARK_LOGO_KEY: 'branding/logo.png',
    ...(process.env.RESIZER_VIPS_THREADS && { RESIZER_VIPS_THREADS: process.env.RESIZER_VIPS_THREADS }),
  });
  const service = createResizerService({
    config,
    storage: new FsStorage(dataDir),
    registry,
    log: createLogger({ level: 'silent', name: 'resizer' }),
  });
  const renderUrl = async (url: string) => {
    const res = await inject(service.app, { method: 'GET', url });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  };
  return { config, renderUrl };
}

/**
 * Renders every fifth width of the miss mix once, so the source and overlay
 * caches are warm, as a running service has them, before anything is timed.
 */
export async function warmUp(renderNth: (n: number) => Promise<unknown>): Promise<void> {
  for (let n = 0; n < MISS_WIDTHS; n += 5) await renderNth(n);
}
