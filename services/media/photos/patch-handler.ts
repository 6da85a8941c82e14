import type { Request, Response } from 'express';
import { z } from 'zod';
import { badRequest, notFound } from '../../../lib/errors.js';
import { photoUpdatedEvent } from '../../../lib/events/photo-event.js';
import type { EventPublisher } from '../../../lib/events/publisher.js';
import type { Logger } from '../../../lib/log/logger.js';
import { isPhotoId } from '../../../lib/photos/keys.js';
import { PhotoDeletedError, writeManifestUnlessDeleted } from '../../../lib/photos/takedown.js';
import type { Storage } from '../../../lib/storage/storage.js';
import { photoStatusBody } from '../status-handler.js';
import { normalisePhotographer } from '../upload/photographer.js';
import { authorize, principalOf } from './photo-auth.js';
import { readPhotoRecord } from './photo-record.js';
import { currentTraceparent } from '../../../lib/tracing/span.js';

/** The fields a PATCH may change; `null` or "" removes the credit. Anything else is refused. */
const patchBody = z.strictObject({ photographer: z.string().nullable() });

/**
 * `PATCH /v1/photos/{id}` with `{"photographer": "..."}` (JSON): the new
 * credit, normalised as an upload's, goes into the manifest, whose new
 * `updatedAt` is the resizer's cache version, so the next renders carry it
 * under a new ETag. Then `photo.updated`, so resizers drop the old record
 * at once and a CDN purges the photo's tag. Answers the photo's status.
 */
export function patchHandler(deps: { storage: Storage; events: EventPublisher; log: Logger }) {
  const { storage, events, log } = deps;
  return async (req: Request<{ id: string }>, res: Response): Promise<void> => {
    const { id } = req.params;
    if (!isPhotoId(id)) throw notFound('photo_not_found', 'no such photo');
    const body = patchBody.safeParse(req.body);
    if (!body.success)
      throw badRequest('bad_patch', 'the body must be JSON {"photographer": "<name>" or null}, nothing else');
    const photographer = normalisePhotographer(body.data.photographer ?? undefined);
    const record = await readPhotoRecord(storage, id);
    if (record.tombstone || !record.manifest) throw notFound('photo_not_found', 'no such photo');
    authorize(principalOf(res), record.manifest, 'photos:update');
    let updated;
    try {
      const { photographer: _old, ...rest } = record.manifest;
      updated = await writeManifestUnlessDeleted(storage, {
        ...rest,
        ...(photographer !== undefined && { photographer }),
      });
    } catch (err) {
      // A DELETE won the race: the photo is gone, and what this wrote with it.
      if (err instanceof PhotoDeletedError) throw notFound('photo_not_found', 'no such photo');
      throw err;
    }
    await events.publish(photoUpdatedEvent(updated, { traceparent: currentTraceparent() }));
    log.info({ photoId: id, by: principalOf(res).kind }, 'photo attribution changed');
    res.json(photoStatusBody(updated));
  };
}
