import type { StorageConfig } from './config.js';
import { FsStorage } from './fs-storage.js';
import { S3Storage } from './s3-storage.js';
import type { Storage } from './storage.js';

/**
 * The storage `config` describes. With `ensureBucket`, a missing S3 bucket is
 * created (development and tests; in production the bucket is provisioned).
 */
export async function createStorage(
  config: StorageConfig,
  options: { ensureBucket?: boolean } = {},
): Promise<Storage> {
  switch (config.kind) {
    case 'fs':
      return new FsStorage(config.dir);
    case 's3': {
      const { kind: _kind, ...s3 } = config;
      const storage = new S3Storage(s3);
      if (options.ensureBucket) await storage.ensureBucket();
      return storage;
    }
  }
}
