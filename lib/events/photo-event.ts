import { z } from 'zod';
import { imageFormat } from '../photos/formats.js';
import type { PhotoManifest } from '../photos/manifest.js';

/**
 * The events a photo's life emits, one routing key each on the events
 * exchange: `photo.ready` and `photo.failed` when the converter is done with
 * it, `photo.deleted` when a takedown removed it.
 */
export const PHOTO_EVENT_TYPES = ['photo.ready', 'photo.failed', 'photo.deleted'] as const;
export type PhotoEventType = (typeof PHOTO_EVENT_TYPES)[number];

/**
 * The version of `data`'s shape, in `dataschema`. A change that could break a
 * consumer (a field removed, renamed or retyped) gets a new version; adding an
 * optional field does not.
 */
export const PHOTO_EVENT_SCHEMA = 'urn:enlarger:photo-event:v1';

/** `source` of every event: the platform, not the pod that happened to send it. */
export const PHOTO_EVENT_SOURCE = 'urn:enlarger';

// Written out rather than derived from the manifest's rendition: this is a
// versioned public contract, and a field added to the internal record (as
// `gainMap` was) must not reach consumers without a schema decision.
const rendition = z.object({
  key: z.string(),
  format: imageFormat,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
});

const photo = z.object({
  id: z.string(),
  /** The site's own id for whoever uploaded the photo, as the upload token carried it. */
  owner: z.string().optional(),
  photographer: z.string().optional(),
  status: z.enum(['ready', 'failed', 'deleted']),
  /** The converted master and sizes: the keys the resizer serves from. Only on `photo.ready`. */
  master: rendition.optional(),
  sizes: z.array(rendition.extend({ name: z.string() })).optional(),
  /** Why conversion failed; only on `photo.failed`. */
  error: z.string().optional(),
});

/**
 * One event, as published on the exchange and POSTed to the webhook: a
 * CloudEvents 1.0 event in structured JSON mode, so any CloudEvents SDK or
 * router reads it as is. This schema is the single source: the publisher
 * builds by it, the relay checks by it, README "Events" documents it.
 */
export const photoEvent = z.object({
  specversion: z.literal('1.0'),
  type: z.enum(PHOTO_EVENT_TYPES),
  source: z.string().min(1),
  /** The same for every copy of one event (a republish after a failure): consumers dedupe on it. */
  id: z.string().min(1),
  /** When it happened (the manifest's `updatedAt` for ready and failed), RFC 3339. */
  time: z.iso.datetime({ offset: true }),
  /** The photo id, so a router can filter without reading `data`. */
  subject: z.string(),
  datacontenttype: z.literal('application/json'),
  dataschema: z.literal(PHOTO_EVENT_SCHEMA),
  /** W3C trace context of the work that caused it (CloudEvents distributed-tracing extension). */
  traceparent: z.string().optional(),
  data: z.object({ photo }),
});
export type PhotoEvent = z.infer<typeof photoEvent>;

/** A photo's record as the events read it; `owner` arrives with authenticated uploads. */
type EventSource = PhotoManifest & { owner?: string };

/**
 * The event that tells the world how a photo ended: `photo.ready` or
 * `photo.failed`, from its manifest. Built from the record alone so that a
 * republish (after a failed publish) is the same event, id and time included.
 */
export function photoOutcomeEvent(manifest: EventSource, options: { traceparent?: string } = {}): PhotoEvent {
  if (manifest.status === 'processing') {
    throw new Error(`photo ${manifest.id} is still processing: it has no outcome to announce`);
  }
  const type = manifest.status === 'ready' ? 'photo.ready' : 'photo.failed';
  const outcome =
    manifest.status === 'ready'
      ? {
          status: 'ready' as const,
          ...(manifest.master && { master: renditionOf(manifest.master) }),
          sizes: manifest.conversions.map((c) => ({ name: c.name, ...renditionOf(c) })),
        }
      : { status: 'failed' as const, ...(manifest.error !== undefined && { error: manifest.error }) };
  return envelope(type, manifest.id, manifest.updatedAt, { ...identity(manifest), ...outcome }, options);
}

/** `photo.deleted`, for the takedown endpoint to publish once every object of the photo is gone. */
export function photoDeletedEvent(
  photo: { id: string; owner?: string; photographer?: string },
  options: { traceparent?: string; time?: Date } = {},
): PhotoEvent {
  const time = (options.time ?? new Date()).toISOString();
  return envelope('photo.deleted', photo.id, time, { ...identity(photo), status: 'deleted' }, options);
}

function envelope(
  type: PhotoEventType,
  photoId: string,
  time: string,
  data: PhotoEvent['data']['photo'],
  options: { traceparent?: string },
): PhotoEvent {
  // Checked on the way out, so a record the schema cannot describe fails here, not in a consumer.
  return photoEvent.parse({
    specversion: '1.0',
    type,
    source: PHOTO_EVENT_SOURCE,
    // One photo becomes ready, fails or is deleted once; a retried publish reuses the id.
    id: `${type}/${photoId}`,
    time,
    subject: photoId,
    datacontenttype: 'application/json',
    dataschema: PHOTO_EVENT_SCHEMA,
    ...(options.traceparent && { traceparent: options.traceparent }),
    data: { photo: data },
  });
}

function identity(photo: { id: string; owner?: string; photographer?: string }) {
  return {
    id: photo.id,
    ...(photo.owner !== undefined && { owner: photo.owner }),
    ...(photo.photographer !== undefined && { photographer: photo.photographer }),
  };
}

function renditionOf(r: z.infer<typeof rendition>) {
  return { key: r.key, format: r.format, width: r.width, height: r.height, bytes: r.bytes };
}
