import { LRUCache } from 'lru-cache';
import { HttpError, notFound, serviceUnavailable } from '../../lib/errors.js';
import { photoKeys } from '../../lib/photos/keys.js';
import { photoManifest, type PhotoManifest } from '../../lib/photos/manifest.js';
import { ObjectNotFoundError, StorageUnavailableError, type Storage } from '../../lib/storage/storage.js';
import { ByteCache } from './byte-cache.js';
import { Coalescer } from './coalescer.js';

export interface PhotoStoreOptions {
  /** Byte budget of the source cache (renditions read from storage). */
  sourceCacheBytes: number;
  /** How long a manifest is trusted before it is read again; new conversions show up after this. */
  manifestTtlMs: number;
}

/**
 * Manifests and source files, read through caches. Concurrent reads of the
 * same object share one storage request.
 */
export class PhotoStore {
  private readonly manifests: LRUCache<string, PhotoManifest>;
  private readonly sources: ByteCache<Buffer>;
  private readonly manifestReads = new Coalescer<PhotoManifest>();
  private readonly sourceReads = new Coalescer<Buffer>();

  constructor(
    private readonly storage: Storage,
    options: PhotoStoreOptions,
  ) {
    this.manifests = new LRUCache({ max: 10_000, ttl: options.manifestTtlMs });
    this.sources = new ByteCache(options.sourceCacheBytes, (b) => b.length);
  }

  /** The photo's manifest; 404 when there is none. */
  async manifest(id: string): Promise<PhotoManifest> {
    const cached = this.manifests.get(id);
    if (cached) return cached;
    return this.manifestReads.run(id, async () => {
      const key = photoKeys(id).manifest;
      const raw = await this.read(key, () => notFound('photo_not_found', 'no such photo'));
      let manifest: PhotoManifest;
      try {
        manifest = photoManifest.parse(JSON.parse(raw.toString('utf8')));
      } catch (err) {
        throw new HttpError(500, 'manifest_invalid', 'the photo record is damaged', true, { cause: err });
      }
      this.manifests.set(id, manifest);
      return manifest;
    });
  }

  /** The bytes of a stored rendition or original. */
  async source(key: string): Promise<Buffer> {
    const cached = this.sources.get(key);
    if (cached) return cached;
    return this.sourceReads.run(key, async () => {
      const bytes = await this.read(
        key,
        () => new HttpError(500, 'source_missing', 'a file listed in the photo record is missing', true),
      );
      this.sources.set(key, bytes);
      return bytes;
    });
  }

  /** Bytes held by the source cache. */
  get sourceCacheBytes(): number {
    return this.sources.bytes;
  }

  private async read(key: string, missing: () => HttpError): Promise<Buffer> {
    try {
      return await this.storage.getBuffer(key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw missing();
      if (err instanceof StorageUnavailableError) {
        throw serviceUnavailable('storage_unavailable', 'storage is not answering', err);
      }
      throw err;
    }
  }
}
