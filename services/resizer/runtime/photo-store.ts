import { LRUCache } from 'lru-cache';
import { HttpError, notFound } from '../../../lib/errors.js';
import { photoKeys } from '../../../lib/photos/keys.js';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';
import { ManifestUnreadableError, readManifest } from '../../../lib/photos/records.js';
import { ObjectNotFoundError, type Storage } from '../../../lib/storage/storage.js';
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
  /** Bumped by {@link forget}: a manifest read that started before it is not cached. */
  private generation = 0;
  private readonly forgottenAt = new Map<string, number>();
  private allForgottenAt = 0;
  /** When stale manifests were last dropped (see {@link keepManifest}). */
  private purgedAt = 0;

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
      const started = this.generation;
      let manifest: PhotoManifest | undefined;
      try {
        manifest = await readManifest(this.storage, id);
      } catch (err) {
        // The photo is failed, as one whose conversion failed: nothing to render, and no fault of this request.
        if (err instanceof ManifestUnreadableError) {
          throw new HttpError(404, 'photo_failed', 'the photo failed: its record cannot be read', false, {
            cause: err,
          });
        }
        throw err;
      }
      if (!manifest) throw notFound('photo_not_found', 'no such photo');
      // Read before a takedown or an update of this photo was heard: answer with it once, keep it not.
      const forgotten = Math.max(this.forgottenAt.get(id) ?? 0, this.allForgottenAt);
      if (forgotten <= started) this.keepManifest(id, manifest);
      return manifest;
    });
  }

  /**
   * Caches a manifest, first dropping the expired ones at most once a TTL.
   * lru-cache keeps an expired entry until it is read or evicted, and a
   * photo is mostly rendered in the minutes after its upload, so without
   * this the cache holds 10,000 manifests nobody will read again (about
   * 13 MB of heap, and a slope in `make fuzz` until it fills); with it, those
   * read within one TTL. A scan per TTL, not a timer per entry
   * (`ttlAutopurge`), which lru-cache's docs warn costs more.
   */
  private keepManifest(id: string, manifest: PhotoManifest): void {
    const now = performance.now();
    if (now - this.purgedAt >= this.manifests.ttl) {
      this.purgedAt = now;
      this.manifests.purgeStale();
    }
    this.manifests.set(id, manifest);
  }

  /** Manifests cached now, expired ones not yet dropped included. */
  get cachedManifests(): number {
    return this.manifests.size;
  }

  /** The bytes of a stored rendition or original. */
  async source(key: string): Promise<Buffer> {
    const cached = this.sources.get(key);
    if (cached) return cached;
    return this.sourceReads.run(key, async () => {
      let bytes: Buffer;
      try {
        bytes = await this.storage.getBuffer(key);
      } catch (err) {
        if (err instanceof ObjectNotFoundError) {
          throw new HttpError(500, 'source_missing', 'a file listed in the photo record is missing', true);
        }
        // StorageUnavailableError answers 503 by itself.
        throw err;
      }
      this.sources.set(key, bytes);
      return bytes;
    });
  }

  /**
   * Forgets what is cached of photo `id` (its manifest and source files),
   * when it was deleted or its record changed; the next request reads storage.
   */
  forget(id: string): void {
    this.generation++;
    this.forgottenAt.set(id, this.generation);
    // Only reads in flight need the mark: a bounded map, oldest dropped first.
    if (this.forgottenAt.size > 1_000) this.forgottenAt.delete(this.forgottenAt.keys().next().value!);
    this.manifests.delete(id);
    this.sources.deletePrefix(photoKeys(id).prefix);
  }

  /** Forgets every manifest, after events may have been missed; sources are keyed by immutable files. */
  forgetManifests(): void {
    this.allForgottenAt = ++this.generation;
    this.manifests.clear();
  }

  /** Bytes held by the source cache. */
  get sourceCacheBytes(): number {
    return this.sources.bytes;
  }
}
