import { parseImagePlatform, type ImagePlatform } from '../api/imageplatform.js';
import type { ReconcileContext } from './context.js';

/**
 * The ImagePlatform behind a work-queue key, or undefined when it is gone or
 * being deleted: its children are then the garbage collector's job.
 */
export function loadPlatform(ctx: ReconcileContext, key: string): ImagePlatform | undefined {
  const [namespace = '', name = ''] = key.split('/');
  const raw = ctx.cache.platform(namespace, name);
  if (!raw || raw.metadata?.deletionTimestamp) return undefined;
  return parseImagePlatform(raw);
}
