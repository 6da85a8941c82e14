import type { Logger } from '../log/logger.js';
import type { StorageConfig } from './config.js';
import { FsStorage } from './fs-storage.js';
import { sweepStaleTemp } from './fs-tidy.js';
import { S3Storage } from './s3-storage.js';
import type { Storage } from './storage.js';

/**
 * A temp file of the filesystem store untouched this long was left by a
 * process killed mid-write: uploads that stall are cut off long before (media's
 * idle-body timeout), and every chunk written touches the file.
 */
export const STALE_TEMP_MS = 10 * 60_000;

/**
 * The storage `config` describes. With `ensureBucket`, a missing S3 bucket is
 * created (development and tests; in production the bucket is provisioned).
 * The filesystem store first sweeps what crashed writers left behind.
 */
export async function createStorage(
  config: StorageConfig,
  options: { ensureBucket?: boolean; log?: Logger } = {},
): Promise<Storage> {
  switch (config.kind) {
    case 'fs': {
      const storage = new FsStorage(config.dir);
      const swept = await sweepStaleTemp(storage.root, STALE_TEMP_MS);
      if (swept.tempFiles + swept.emptyDirs > 0)
        options.log?.info(swept, 'removed stale temp files and empty folders');
      return storage;
    }
    case 's3': {
      const { kind: _kind, ...s3 } = config;
      const storage = new S3Storage(s3);
      if (options.ensureBucket) await storage.ensureBucket();
      return storage;
    }
  }
}
