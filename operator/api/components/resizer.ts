import { MALLOC_ENV } from '../../../lib/process/malloc.js';
import { boolEnv } from '../../../lib/config/parse-env.js';
import { RESIZER_DEFAULTS, type ResizerEnv } from '../../../services/resizer/config.js';
import { resizerMemoryPlan } from '../../../services/resizer/memory-plan.js';
import type { ImagePlatform } from '../imageplatform.js';
import { resolvePlacement } from './placement.js';
import { POD_PORTS, PROBES, httpDrain, type ComponentRow, secretKeyEnv } from './row.js';
import { memoryLimitBytes, quantitiesAsStrings } from './resources.js';
import {
  eventsEnv,
  queueEnv,
  queueSecrets,
  storageEnv,
  storageSecrets,
  tracingEnv,
  tracingSecrets,
} from './shared-env.js';

/** The CDN origin: public behind a Service, scaled on latency, queue and shedding when autoscaling is on. */
export function resizer(cr: ImagePlatform): ComponentRow {
  const { resizer, limits } = cr.spec;
  const { watermark } = resizer;
  const limit = memoryLimitBytes(resizer.resources);
  const outputCacheBytes =
    resizer.cacheMegabytes === undefined ? undefined : resizer.cacheMegabytes * 1024 ** 2;
  // Without a limit there is nothing to share out: the resizer's own defaults (a 1 GiB plan) stand.
  const plan = limit === undefined ? undefined : resizerMemoryPlan(limit, outputCacheBytes);
  // `satisfies ResizerEnv` checks no names inside a conditional spread, so each spread object is checked on its own.
  const env = {
    ...storageEnv(cr),
    ...tracingEnv(cr),
    // The broker and exchange only: every pod hears photo.deleted and photo.updated and drops the photo from its caches.
    ...queueEnv(cr),
    ...eventsEnv(cr),
    RESIZER_PORT: String(POD_PORTS.public),
    RESIZER_ADMIN_PORT: String(POD_PORTS.admin),
    // The autoscaler's queue target is a share of these, so they are always set, never left to defaults.
    RESIZER_SLOTS: String(resizer.slots),
    RESIZER_QUEUE_SIZE: String(resizer.queueSize),
    // Media's limit, so a photo still converting renders from any original media accepted.
    RESIZER_MAX_SOURCE_PIXELS: String(limits.maxPixels),
    // Caches and renders share the pod's limit after runtime and the allocator's retained memory
    // (services/resizer/memory-plan.ts); an output cache sized in the spec leaves the renders less.
    ...(plan
      ? ({
          RESIZER_OUTPUT_CACHE_BYTES: String(plan.outputCacheBytes),
          RESIZER_SOURCE_CACHE_BYTES: String(plan.sourceCacheBytes),
          RESIZER_OVERLAY_CACHE_BYTES: String(plan.overlayCacheBytes),
          RESIZER_RENDER_MEMORY_BYTES: String(plan.renderBytes),
        } satisfies Partial<ResizerEnv>)
      : outputCacheBytes !== undefined
        ? ({ RESIZER_OUTPUT_CACHE_BYTES: String(outputCacheBytes) } satisfies Partial<ResizerEnv>)
        : {}),
    RESIZER_WATERMARK_OPT_OUT: boolEnv(resizer.allowWatermarkOptOut),
    ...(watermark
      ? ({
          RESIZER_WATERMARK_POSITION: watermark.position,
          RESIZER_WATERMARK_OPACITY: String(watermark.opacity),
          RESIZER_WATERMARK_SCALE: String(watermark.scale),
          RESIZER_WATERMARK_MIN_WIDTH: String(watermark.minWidth),
          ...(watermark.logoKey
            ? ({ RESIZER_WATERMARK_LOGO_KEY: watermark.logoKey } satisfies Partial<ResizerEnv>)
            : {}),
          ...(watermark.attribution
            ? ({ RESIZER_WATERMARK_ATTRIBUTION: watermark.attribution } satisfies Partial<ResizerEnv>)
            : {}),
        } satisfies Partial<ResizerEnv>)
      : {}),
  } satisfies ResizerEnv;
  const signing = secretKeyEnv(
    'SIGNING_KEYS' satisfies keyof ResizerEnv,
    resizer.signingSecretRef,
    'spec.resizer.signingSecretRef',
  );
  return {
    name: 'resizer',
    args: ['resizer'],
    ports: { public: POD_PORTS.public, admin: POD_PORTS.admin },
    service: resizer.service,
    probes: PROBES,
    env,
    // The resizer takes no tasks; it reads the broker's credentials to hear photo events.
    secretEnv: [...storageSecrets(cr), ...tracingSecrets(cr), ...queueSecrets(cr), ...signing],
    processEnv: MALLOC_ENV,
    replicas: resizer.autoscaling.enabled ? resizer.autoscaling.minReplicas : resizer.replicas,
    maxReplicas: resizer.autoscaling.enabled ? resizer.autoscaling.maxReplicas : resizer.replicas,
    scaling: resizer.autoscaling.enabled
      ? { signal: 'http', autoscaling: resizer.autoscaling }
      : { signal: 'none' },
    resources: quantitiesAsStrings(resizer.resources),
    // Every request ends by its deadline (queueing included), so that is all a stopping pod needs.
    drain: httpDrain(RESIZER_DEFAULTS.deadlineMs),
    // The CDN origin: one node or zone going down must leave resizer pods serving.
    placement: resolvePlacement(cr, 'resizer', resizer, true),
    podDisruptionBudget: resizer.podDisruptionBudget,
    override: resizer.override,
  };
}
