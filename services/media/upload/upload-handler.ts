import type { Request, Response } from 'express';
import { HttpError, serviceUnavailable } from '../../../lib/errors.js';
import type { ReadinessMonitor } from '../../../lib/http/readiness.js';
import type { Logger } from '../../../lib/log/logger.js';
import { newPhotoId, photoKeys } from '../../../lib/photos/keys.js';
import type { ConversionTask, PhotoManifest } from '../../../lib/photos/manifest.js';
import { markPending, writeManifest } from '../../../lib/photos/records.js';
import type { TaskQueue } from '../../../lib/queue/queue.js';
import { StorageUnavailableError, type Storage } from '../../../lib/storage/storage.js';
import type { MediaLimits, UploadPolicy } from '../config.js';
import type { MediaMetrics } from '../metrics.js';
import { byteLimit, type ByteLimit } from './byte-limit.js';
import { inspectHead } from './inspect.js';
import { readHeadPastMetadata } from './leading-metadata.js';
import { photoIdClaims } from './photo-id-claims.js';
import { readUpload } from './read-upload.js';
import { storeOriginal } from './store-original.js';
import { grantOf } from './upload-auth.js';
import type { UploadGrant } from './upload-token.js';
import { watchUpload } from './upload-watchdog.js';

export interface UploadDeps {
  storage: Storage;
  queue: TaskQueue<ConversionTask>;
  readiness: ReadinessMonitor;
  limits: MediaLimits;
  policy: UploadPolicy;
  metrics: MediaMetrics;
  log: Logger;
}

/**
 * `POST /v1/photos`. Order matters for "nothing lost, nothing left behind":
 * check what the token grants (uploadAuthentication verified it), judge the
 * head, stream the original (refusals abort the write), write the manifest
 * and pending marker, and only then publish. A failed publish is logged, not
 * returned: the original is safe and the sweep re-enqueues it.
 */
export function uploadHandler(deps: UploadDeps) {
  const { storage, queue, readiness, limits, policy, metrics, log } = deps;
  const claimPhotoId = photoIdClaims(storage);
  return async (req: Request, res: Response): Promise<void> => {
    const stopWatching = watchUpload(req, policy);
    try {
      const { id, status, original } = await acceptUpload(req, grantOf(res));
      metrics.uploads.inc({ result: 'accepted' });
      metrics.uploadBytes.inc(original.bytes);
      const { format, width, height, bytes } = original;
      res
        .status(201)
        .location(`/v1/photos/${id}`)
        .json({ id, status, original: { format, width, height, bytes } });
    } catch (err) {
      metrics.uploads.inc({ result: 'refused' });
      // The rest of a refused body is not worth reading; close instead of draining it.
      if (!req.complete) res.set('Connection', 'close');
      if (err instanceof StorageUnavailableError) readiness.markDown('storage', err);
      throw clientAbort(req, err) ?? err;
    } finally {
      stopWatching();
    }
  };

  async function acceptUpload(req: Request, grant: UploadGrant | undefined): Promise<PhotoManifest> {
    // Fail fast from the last probe rather than wait for the SDK's retries against a dead server.
    if (!readiness.ready('storage'))
      throw serviceUnavailable('storage_unavailable', 'storage is unavailable');
    const limit = byteLimit(limits.maxBytes, grant);
    const declared = Number(req.get('content-length') ?? NaN);
    if (declared > limit.bytes) throw limit.refusal();
    if (!grant?.photoId) return storeUpload(req, { id: newPhotoId(), grant, limit });
    const release = await claimPhotoId(grant.photoId);
    try {
      return await storeUpload(req, { id: grant.photoId, grant, limit });
    } finally {
      release();
    }
  }

  async function storeUpload(
    req: Request,
    { id, grant, limit }: { id: string; grant: UploadGrant | undefined; limit: ByteLimit },
  ): Promise<PhotoManifest> {
    const source = await readUpload(req, grant?.photographer);
    const head = await readHeadPastMetadata(source.file, limits);
    const { format, info } = await inspectHead(head, limits);
    const keys = photoKeys(id);
    const stored = await storeOriginal({
      storage,
      key: keys.original,
      format,
      head,
      rest: source.file,
      limits,
      byteLimit: limit,
      info,
    });
    // From here on something is stored: a failure removes it all, or a photo
    // would sit in storage with no pending marker, never converted nor cleaned.
    let manifest: PhotoManifest;
    try {
      const photographer = await source.photographer();
      const now = new Date().toISOString();
      manifest = await writeManifest(storage, {
        id,
        status: 'processing',
        photographer,
        ...(grant?.owner !== undefined && { owner: grant.owner }),
        createdAt: now,
        updatedAt: now,
        original: {
          format,
          width: stored.info.width,
          height: stored.info.height,
          bytes: stored.bytes,
          hasAlpha: stored.info.hasAlpha,
        },
        conversions: [],
      });
      await markPending(storage, id);
    } catch (err) {
      await forget(id);
      throw err;
    }
    await queue.publish({ photoId: id }).catch((err: unknown) => {
      metrics.publishFailures.inc();
      log.warn({ photoId: id, err }, 'publish failed; the sweep will enqueue it');
    });
    log.info(
      { photoId: id, format, bytes: stored.bytes, width: stored.info.width, height: stored.info.height },
      'uploaded',
    );
    return manifest;
  }

  /** Removes what a failed upload stored, marker and record before the original they describe. */
  async function forget(id: string): Promise<void> {
    const keys = photoKeys(id);
    for (const key of [keys.pending, keys.manifest, keys.original]) {
      await storage.delete(key).catch((err: unknown) => {
        log.error({ photoId: id, key, err }, 'could not remove what a failed upload stored');
      });
    }
  }
}

/**
 * A client that hangs up mid-upload makes the body stream fail with a bare
 * "aborted" error. That is no fault of ours: answer (to nobody) with a quiet
 * 4xx instead of logging a 500.
 */
function clientAbort(req: Request, err: unknown): HttpError | undefined {
  if (err instanceof HttpError || !req.readableAborted) return undefined;
  return new HttpError(400, 'aborted', 'the client closed the connection before the upload finished', false, {
    cause: err,
  });
}
