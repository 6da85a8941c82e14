import os from 'node:os';
import { createLogger, type Logger } from '../../lib/log/logger.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { readManifest } from '../../lib/photos/records.js';
import { createQueue } from '../../lib/queue/create-queue.js';
import type { TaskQueue } from '../../lib/queue/queue.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { S3Storage } from '../../lib/storage/s3-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import { loadConverterConfig } from './config.js';
import { storedCopies } from './convert-photo.js';

/** What one `enlarger reconvert` run did. */
export interface ReconvertReport {
  /** Ready photos whose stored copies were made with other settings. */
  stale: number;
  /** Of those, re-queued by this run (at most the limit). */
  queued: number;
}

const MANIFEST = /^photos\/([^/]+)\/manifest\.json$/;

/**
 * Queues a `reconvert` task for each ready photo whose manifest names other
 * stored copies than `copies`, at most `limit` of them. Bounded: a run queues
 * no more than the limit, and the converter takes them at its own prefetch.
 * Resumable: a photo is stale until its converter rewrites its manifest, so
 * the next run picks up where the queue has got to; a photo queued twice is
 * converted once (the second task finds its copies current).
 */
export async function queueStaleCopies(
  deps: { storage: Storage; queue: TaskQueue<ConversionTask>; log: Logger },
  copies: string,
  limit: number,
): Promise<ReconvertReport> {
  const report: ReconvertReport = { stale: 0, queued: 0 };
  for await (const object of deps.storage.list('photos/')) {
    const id = MANIFEST.exec(object.key)?.[1];
    if (!id) continue;
    const manifest = await readManifest(deps.storage, id).catch((err: unknown) => {
      deps.log.warn({ photoId: id, err }, 'manifest unreadable; skipped');
      return undefined;
    });
    if (manifest?.status !== 'ready' || manifest.copies === copies) continue;
    report.stale++;
    if (report.queued >= limit) continue;
    await deps.queue.publish({ photoId: id, reconvert: true });
    report.queued++;
  }
  return report;
}

/**
 * `enlarger reconvert`: with the converter's own configuration (its storage,
 * queue and stored-copy settings), queues at most `limit` stale photos and
 * prints the report as JSON on stdout.
 */
export async function runReconvert(
  env: Record<string, string | undefined>,
  limit: number,
): Promise<ReconvertReport> {
  const config = loadConverterConfig(env);
  const log = createLogger({ level: config.logLevel, format: config.logFormat, name: 'reconvert' });
  const storage = await createStorage(config.storage, { log });
  const queue = createQueue<ConversionTask>(config.queue, {
    logger: log,
    connectionName: `reconvert@${os.hostname()}`,
  });
  try {
    await queue.connected();
    const report = await queueStaleCopies({ storage, queue, log }, storedCopies(config), limit);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report;
  } finally {
    await queue.close();
    if (storage instanceof S3Storage) storage.destroy();
  }
}
