import { Counter, Gauge, type Registry } from 'prom-client';

/** The media service's own metrics, registered on the process registry. */
export function mediaMetrics(registry: Registry) {
  const metrics = {
    uploads: new Counter({
      name: 'enlarger_media_uploads_total',
      help: 'Uploads by result: accepted, refused, or shed (503: too many at once).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    uploadsInFlight: new Gauge({
      name: 'enlarger_media_uploads_in_flight',
      help: 'Uploads being received and stored right now.',
      registers: [registry],
    }),
    uploadBytes: new Counter({
      name: 'enlarger_media_upload_bytes_total',
      help: 'Bytes of accepted originals.',
      registers: [registry],
    }),
    publishFailures: new Counter({
      name: 'enlarger_media_publish_failures_total',
      help: 'Conversion tasks that could not be published at upload; the sweep enqueues them later.',
      registers: [registry],
    }),
    deletes: new Counter({
      name: 'enlarger_media_photo_deletes_total',
      help: 'Photos taken down by DELETE /v1/photos/{id}, counted once every object was gone and the event confirmed.',
      registers: [registry],
    }),
    swept: new Counter({
      name: 'enlarger_media_swept_total',
      help: 'Photos re-enqueued by the sweep because they stayed processing too long.',
      registers: [registry],
    }),
  };
  // Every result from the start, at 0, so an alert on shed uploads has a series before the first one.
  for (const result of ['accepted', 'refused', 'shed']) metrics.uploads.inc({ result }, 0);
  return metrics;
}

export type MediaMetrics = ReturnType<typeof mediaMetrics>;
