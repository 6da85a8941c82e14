import { isUnrecoverable, messageOf } from '../../lib/errors.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import type { TaskHandler } from '../../lib/queue/queue.js';
import { convertPhoto, type ConvertDeps } from './convert-photo.js';
import type { ConverterMetrics } from './metrics.js';

/** Wraps {@link convertPhoto} as a queue handler with metrics and one log line per failure. */
export function conversionHandler(deps: ConvertDeps, metrics: ConverterMetrics): TaskHandler<ConversionTask> {
  return async (task, context) => {
    const endTimer = metrics.duration.startTimer();
    metrics.inFlight.inc();
    try {
      metrics.processed.inc({ outcome: await convertPhoto(task, deps) });
    } catch (err) {
      const kind = isUnrecoverable(err) ? 'unrecoverable' : 'transient';
      metrics.failed.inc({ kind });
      const fields = { photoId: task.photoId, attempt: context.attempt, kind, error: messageOf(err) };
      if (kind === 'unrecoverable' || context.final) deps.log.error(fields, 'conversion failed');
      else deps.log.warn(fields, 'conversion failed; will retry');
      throw err;
    } finally {
      metrics.inFlight.dec();
      endTimer();
    }
  };
}
