import { createHash } from 'node:crypto';
import { isUnrecoverable, messageOf, UnrecoverableError } from '../../lib/errors.js';
import { photoOutcomeEvent } from '../../lib/events/photo-event.js';
import type { EventPublisher } from '../../lib/events/publisher.js';
import type { Logger } from '../../lib/log/logger.js';
import { FORMATS } from '../../lib/photos/formats.js';
import { isPhotoId, photoKeys } from '../../lib/photos/keys.js';
import type { Conversion, ConversionTask, PhotoManifest } from '../../lib/photos/manifest.js';
import { clearPending, ManifestUnreadableError, readManifest } from '../../lib/photos/records.js';
import { PhotoDeletedError, readTombstone, writeManifestUnlessDeleted } from '../../lib/photos/takedown.js';
import { ObjectNotFoundError, type Storage } from '../../lib/storage/storage.js';
import { currentTraceparent, inSpan } from '../../lib/tracing/span.js';
import { decodeWorkingSet, type DecodeAdmission } from './admission.js';
import type { ConverterConfig } from './config.js';
import type { MasterPixels } from './pipeline/decode-master.js';
import { decodeOriginal } from './pipeline/decode-original.js';
import { fetchOriginal } from './pipeline/fetch-original.js';
import { HeifDecoderMissingError } from './pipeline/heif-decode.js';
import { probeDecodedSize } from './pipeline/probe-original.js';
import { renderAll, type Rendered } from './pipeline/render.js';

export interface ConvertDeps {
  storage: Storage;
  config: Pick<ConverterConfig, 'master' | 'sizes' | 'maxPixels' | 'tmpDir'>;
  /** Decodes wait here until their estimated working set fits the memory budget. */
  admission: DecodeAdmission;
  /** Hears `photo.ready` and `photo.failed` once the manifest says so. */
  events: EventPublisher;
  log: Logger;
}

/**
 * What a task did: converted it, re-rendered its stored copies, found it
 * already done (a redelivery), or found it deleted (dropped).
 */
export type ConvertOutcome = 'converted' | 'reconverted' | 'already-done' | 'deleted';

/**
 * Names the settings the stored copies are made with (master and sizes), so
 * a photo's manifest says whether its copies are the current ones.
 */
export function storedCopies(config: Pick<ConverterConfig, 'master' | 'sizes'>): string {
  return createHash('sha256')
    .update(JSON.stringify([config.master, config.sizes]))
    .digest('base64url')
    .slice(0, 12);
}

/**
 * Converts one photo: original → master → sizes → manifest `ready`.
 *
 * Idempotent: every output has a fixed key and is simply overwritten, and a
 * photo already `ready` or `failed` is left alone, so a redelivery after a
 * crash or a duplicate from the sweep is harmless. Input that cannot be
 * decoded marks the photo `failed` and throws {@link UnrecoverableError} (dead
 * letter); storage errors and a HEIC decoder missing from the host
 * propagate unchanged and are retried.
 *
 * A photo's end is announced in this order: manifest, event, pending marker.
 * The marker goes only once the broker has confirmed the event, so an event
 * that could not be published fails the task (retried) and leaves the marker
 * for the sweep; either way the photo comes back here as already done and its
 * event, built from the manifest alone, is published again with the same id.
 */
export async function convertPhoto(task: ConversionTask, deps: ConvertDeps): Promise<ConvertOutcome> {
  if (!isPhotoId(task.photoId))
    throw new UnrecoverableError(`not a photo id: ${JSON.stringify(task.photoId)}`);
  // A task for a deleted photo (the sweep's, a retry's, a dead letter replayed) is dropped, not failed.
  if (await readTombstone(deps.storage, task.photoId)) return dropped(deps, task.photoId);
  try {
    return await convertLive(task, deps);
  } catch (err) {
    // Deleted while converting: its manifest write lost the race and removed what it wrote.
    if (err instanceof PhotoDeletedError) return dropped(deps, task.photoId);
    throw err;
  }
}

function dropped(deps: Pick<ConvertDeps, 'log'>, photoId: string): ConvertOutcome {
  deps.log.info({ photoId }, 'dropped the task of a deleted photo');
  return 'deleted';
}

async function convertLive(task: ConversionTask, deps: ConvertDeps): Promise<ConvertOutcome> {
  const { storage, config, log } = deps;
  const manifest = await readRecord(storage, task.photoId);
  if (!manifest) throw new UnrecoverableError(`photo ${task.photoId} has no manifest`);
  const keys = photoKeys(manifest.id);
  const copies = storedCopies(config);
  // A ready photo is converted again only when asked to and its copies are stale;
  // the old copies keep serving until the new ones overwrite them, key by key.
  const reconvert = task.reconvert === true && manifest.status === 'ready' && manifest.copies !== copies;
  if (manifest.status !== 'processing' && !reconvert) {
    // This may be the retry of a task whose event was not confirmed: announcing
    // it again costs a duplicate (same id) at worst, never a lost event.
    await finish(deps, manifest);
    return 'already-done';
  }

  const original = await inSpan('download', () => fetchOriginal(storage, keys.original, config.tmpDir)).catch(
    async (err: unknown) => {
      if (err instanceof ObjectNotFoundError) await fail(manifest, 'the original is missing', err);
      throw err;
    },
  );
  let master: MasterPixels;
  let rendered: Rendered[];
  try {
    // Admitted by the pixels the decoder will produce (a GIF's whole canvas), read
    // from the file's header and checked against the record before any decode.
    // Only the first frame of an animation is decoded, so frames add nothing. A
    // HEIC is not read by libvips here: its decoder checks its output against the
    // header it was recorded from (heif-decode.ts).
    const decoded =
      manifest.original.format === 'heic'
        ? manifest.original
        : await probeDecodedSize(original.path, manifest.original);
    const workingSet = decodeWorkingSet(decoded.width, decoded.height, manifest.original.format);
    [master, rendered] = await deps.admission.run(workingSet, async () => {
      const decoded = await inSpan('decode', () =>
        decodeOriginal(original.path, manifest.original, config.master, config.maxPixels),
      );
      return [decoded, await renderAll(decoded, config.master, config.sizes)] as const;
    });
  } catch (err) {
    // A decoder missing from this host is ours to fix: retried, the photo left `processing`.
    if (err instanceof HeifDecoderMissingError) throw err;
    // Its old copies still serve: a photo that was ready stays ready.
    if (reconvert)
      throw new UnrecoverableError(`cannot decode the original again: ${messageOf(err)}`, { cause: err });
    // Otherwise only the decoders run in this block, so any failure here is the image's fault.
    // Awaited here: returned bare, its rejection would sit unhandled while
    // `finally` awaits the disposal, and Node would report it as unhandled.
    return await fail(manifest, `cannot decode the original: ${messageOf(err)}`, err);
  } finally {
    await original.dispose();
  }

  const stored = await inSpan('upload', () =>
    Promise.all(rendered.map((r) => store(storage, manifest.id, r))),
  );
  const [masterRendition, ...conversions] = stored;
  // The credit may have been changed (PATCH) while this converted: keep the latest.
  const latest = (await readManifest(storage, manifest.id)) ?? manifest;
  const ready = await inSpan('manifest', () =>
    writeManifestUnlessDeleted(storage, {
      ...manifest,
      photographer: latest.photographer,
      status: 'ready',
      original: { ...manifest.original, hasAlpha: master.hasAlpha },
      master: withoutName(masterRendition!),
      conversions,
      copies,
      error: undefined,
    }),
  );
  // Its photo.ready went out when it was first converted; new copies of the same picture are no news.
  if (!reconvert) await finish(deps, ready);
  log.info(
    { photoId: manifest.id, master: `${master.width}x${master.height}`, sizes: conversions.length },
    reconvert ? 'reconverted' : 'converted',
  );
  return reconvert ? 'reconverted' : 'converted';

  async function fail(photo: PhotoManifest, reason: string, cause: unknown): Promise<never> {
    // An event that cannot be published throws its own (transient) error first: the task is retried.
    await finish(
      deps,
      await writeManifestUnlessDeleted(storage, { ...photo, status: 'failed', error: reason }),
    );
    throw new UnrecoverableError(reason, { cause });
  }
}

/** Announces a photo's recorded outcome, then lets it leave the sweep; see {@link convertPhoto}. */
async function finish(deps: Pick<ConvertDeps, 'storage' | 'events'>, manifest: PhotoManifest): Promise<void> {
  // The trace of the task that settled it: the site follows the event back to the upload.
  await deps.events.publish(photoOutcomeEvent(manifest, { traceparent: currentTraceparent() }));
  await clearPending(deps.storage, manifest.id);
}

/**
 * Records that converting a photo kept killing the converter (the queue gave
 * up on its redeliveries): the photo is `failed` and leaves the sweep, which
 * would otherwise start the crash loop again.
 */
export async function markCrashed(
  task: ConversionTask,
  reason: string,
  deps: Pick<ConvertDeps, 'storage' | 'events' | 'log'>,
) {
  const { storage, log } = deps;
  if (!isPhotoId(task.photoId)) return;
  // An unreadable record is already failed (readRecord cleared its marker): nothing to add.
  const manifest = await readRecord(storage, task.photoId).catch((err: unknown) => {
    if (isUnrecoverable(err)) return undefined;
    throw err;
  });
  if (manifest?.status !== 'processing') return;
  let failed: PhotoManifest;
  try {
    failed = await writeManifestUnlessDeleted(storage, {
      ...manifest,
      status: 'failed',
      error: `converting it crashed the converter: ${reason}`,
    });
  } catch (err) {
    // Deleted meanwhile: there is nothing left to mark.
    if (err instanceof PhotoDeletedError) return;
    throw err;
  }
  // Should the event not go out, the marker stays and the sweep's next task announces it.
  await finish(deps, failed);
  log.error({ photoId: manifest.id, reason }, 'photo failed: it kept crashing the converter');
}

/**
 * The photo's manifest. One that cannot be read is `failed` for good: its
 * pending marker goes, so the sweep stops sending it, and the task dead-letters.
 */
async function readRecord(storage: Storage, id: string): Promise<PhotoManifest | undefined> {
  try {
    return await readManifest(storage, id);
  } catch (err) {
    if (!(err instanceof ManifestUnreadableError)) throw err;
    await clearPending(storage, id);
    throw new UnrecoverableError(err.message, { cause: err });
  }
}

async function store(storage: Storage, id: string, r: Rendered): Promise<Conversion> {
  const keys = photoKeys(id);
  const key = r.name === 'master' ? keys.master(r.format) : keys.size(r.name, r.format);
  await storage.put(key, r.data, { contentType: FORMATS[r.format].mime });
  return {
    name: r.name,
    key,
    format: r.format,
    width: r.width,
    height: r.height,
    bytes: r.data.length,
    ...(r.gainMap && { gainMap: true }),
  };
}

function withoutName({ name: _name, ...rendition }: Conversion) {
  return rendition;
}
