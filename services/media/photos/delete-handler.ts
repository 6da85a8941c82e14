import type { Request, Response } from 'express';
import { notFound } from '../../../lib/errors.js';
import { photoDeletedEvent } from '../../../lib/events/photo-event.js';
import type { EventPublisher } from '../../../lib/events/publisher.js';
import type { Logger } from '../../../lib/log/logger.js';
import { isPhotoId } from '../../../lib/photos/keys.js';
import { removePhotoObjects, writeTombstone } from '../../../lib/photos/takedown.js';
import type { Storage } from '../../../lib/storage/storage.js';
import type { MediaMetrics } from '../metrics.js';
import { authorize, principalOf } from './photo-auth.js';
import { readPhotoRecord } from './photo-record.js';
import { currentTraceparent } from '../../../lib/tracing/span.js';

/**
 * `DELETE /v1/photos/{id}`, a takedown, in an order that makes every failure
 * safe to retry:
 * 1. the tombstone, from then on the converter drops the photo's tasks and
 *    never writes its manifest, and an upload can't take its id;
 * 2. every object: manifest first, then original, master, sizes, pending marker;
 * 3. `photo.deleted`, confirmed by the broker (resizers evict, CDNs purge).
 * Only then 204. Storage or broker down at any step answers 503 and the
 * client retries: a DELETE of a photo with a tombstone resumes at step 2, so
 * success is never reported for a half-deleted photo. A repeated DELETE of a
 * deleted photo answers 204 again (and republishes the same event, same id).
 */
export function deleteHandler(deps: {
  storage: Storage;
  events: EventPublisher;
  metrics: MediaMetrics;
  log: Logger;
}) {
  const { storage, events, log } = deps;
  return async (req: Request<{ id: string }>, res: Response): Promise<void> => {
    const { id } = req.params;
    if (!isPhotoId(id)) throw notFound('photo_not_found', 'no such photo');
    const record = await readPhotoRecord(storage, id);
    const owner = record.tombstone ? record.tombstone.owner : record.manifest?.owner;
    authorize(principalOf(res), { id, ...(owner !== undefined && { owner }) }, 'photos:delete');
    const tombstone =
      record.tombstone ??
      (await writeTombstone(storage, {
        id,
        deletedAt: new Date().toISOString(),
        ...(owner !== undefined && { owner }),
      }));
    await removePhotoObjects(storage, id);
    await events.publish(
      photoDeletedEvent(tombstone, {
        time: new Date(tombstone.deletedAt),
        traceparent: currentTraceparent(),
      }),
    );
    deps.metrics.deletes.inc();
    log.info({ photoId: id, by: principalOf(res).kind }, 'photo deleted');
    res.status(204).end();
  };
}
