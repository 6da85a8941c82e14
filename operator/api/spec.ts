import { z } from 'zod';
import { packageVersion } from '../../lib/build/version.js';
import { MASTER_FORMATS } from '../../lib/photos/formats.js';
import { IMAGE_LIMITS } from '../../lib/photos/limits.js';
import { EVENTS_DEFAULTS } from '../../lib/events/config.js';
import { QUEUE_TYPES } from '../../lib/queue/amqp-topology.js';
import { QUEUE_DEFAULTS } from '../../lib/queue/config.js';
import { QUEUE_NAME_PATTERN } from '../../lib/queue/queue.js';
import { STORAGE_DEFAULTS } from '../../lib/storage/config.js';
import { CONVERTER_DEFAULTS } from '../../services/converter/config.js';
import { sizeSpec } from '../../services/converter/sizes.js';
import { MEDIA_DEFAULTS } from '../../services/media/config.js';
import { RESIZER_DEFAULTS } from '../../services/resizer/config.js';
import { PLACEMENTS } from '../../services/resizer/render/placement.js';
import {
  disruptionBudgetSpec,
  networkPolicySpec,
  overrideDeploymentOnly,
  overrideWithService,
  placementSpec,
  podDefaultsSpec,
  serviceAccountSpec,
  serviceSpec,
} from './placement-spec.js';

/**
 * The ImagePlatform spec, defined once. The TypeScript types, the runtime
 * parser and the CRD's OpenAPI schema (see `crd.ts`) all come from here, so
 * a field cannot exist in one and not the other.
 *
 * Conventions that make the generated schema a good Kubernetes one:
 * - `.describe()` becomes the field's `description` (shown by `kubectl explain`);
 * - `.default()` becomes the apiserver's default, so status and builders
 *   never see the field missing;
 * - optional sub-objects that carry defaults use `.prefault({})`, so the
 *   apiserver (and zod) fill their fields in even when the user omits them;
 * - cross-field rules are CEL `x-kubernetes-validations` in `.meta()`;
 * - a default a service also has is imported from that service's
 *   `*_DEFAULTS`, so the CRD and `enlarger <service>` never disagree.
 */

/** CEL rule attached to an object or list; the apiserver evaluates it. */
export interface CelRule {
  rule: string;
  message: string;
}
const cel = (...rules: CelRule[]) => ({ 'x-kubernetes-validations': rules });

const quality = () => z.int().min(1).max(100);
const replicas = (fallback: number) =>
  z.int().min(0).default(fallback).describe('Number of pods. 0 stops the component without deleting it.');

/** A Kubernetes quantity: `512Mi`, `0.5`, `2`. */
const quantity = z.union([z.int(), z.string()]).meta({ 'x-kubernetes-int-or-string': true });
const quantities = z.record(z.string(), quantity);

/** A service's default memory limit in bytes as the quantity a user would write: 1073741824 → `1Gi`. */
const memoryQuantity = (bytes: number) =>
  bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3}Gi` : `${bytes / 1024 ** 2}Mi`;

const resources = (defaults: { requests: Record<string, string>; limits: Record<string, string> }) =>
  z
    .object({
      requests: quantities
        .optional()
        .describe('Minimum resources the scheduler reserves, e.g. {cpu: 100m, memory: 128Mi}.'),
      limits: quantities
        .optional()
        .describe('Maximum resources; memory above the limit kills the container.'),
    })
    .default(defaults)
    .describe('Container resources, as in a Pod spec. Replaces the defaults as a whole when set.');

const secretKeyRef = (defaultKey: string, what: string) =>
  z
    .object({
      name: z.string().min(1).describe("Name of a Secret in the ImagePlatform's namespace."),
      key: z.string().min(1).default(defaultKey).describe(`Key in that Secret holding ${what}.`),
    })
    .describe(`Secret key holding ${what}.`);

export const imageSpec = z
  .object({
    repository: z
      .string()
      .min(1)
      .default('ghcr.io/enlarger/enlarger')
      .describe('Image repository of the services.'),
    // The operator's own release: a platform that names no tag runs the services it was released with.
    tag: z.string().min(1).default(packageVersion()).describe('Image tag of the services.'),
    pullPolicy: z
      .enum(['Always', 'IfNotPresent', 'Never'])
      .default('IfNotPresent')
      .describe('Image pull policy.'),
  })
  .prefault({})
  .describe('Container image of media, converter and resizer (one image, three commands).');

export const storageSpec = z
  .object({
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
      .describe('Bucket holding originals, masters and derived sizes (3-63 of a-z, 0-9, ".", "-").'),
    endpoint: z
      .string()
      .regex(/^https?:\/\/\S+$/)
      .optional()
      .describe('S3 endpoint URL, for S3-compatible servers (MinIO, Ceph). Empty means AWS.'),
    region: z.string().min(1).default(STORAGE_DEFAULTS.region).describe('S3 region.'),
    forcePathStyle: z
      .boolean()
      .default(STORAGE_DEFAULTS.forcePathStyle)
      .describe('Address the bucket as a path (needed by most non-AWS servers).'),
    credentialsSecretRef: z
      .object({ name: z.string().min(1).describe('Name of the Secret.') })
      .optional()
      .describe(
        'Secret with keys `accessKeyId` and `secretAccessKey`. Empty means the pods use ambient credentials.',
      ),
  })
  .describe('Object storage (S3 API) where images live.');

export const queueSpec = z
  .object({
    urlSecretRef: secretKeyRef(
      'url',
      'the AMQP URL, amqp://user:password@host:5672/vhost, or amqps:// for TLS; several nodes of one cluster separated by commas',
    )
      .optional()
      .describe('Secret key holding the AMQP URL. Set this or rabbitmqClusterRef.'),
    rabbitmqClusterRef: z
      .object({
        name: z.string().min(1).describe("Name of a RabbitmqCluster in the ImagePlatform's namespace."),
      })
      .optional()
      .describe(
        "A RabbitmqCluster (rabbitmq.com, the RabbitMQ cluster operator) to use instead of urlSecretRef: its Service's amqp port and its default-user Secret's username and password. Needs that operator's CRD.",
      ),
    caSecretRef: secretKeyRef('ca.crt', 'the PEM CA bundle that signed the broker certificate')
      .optional()
      .describe(
        "For amqps:// URLs: the CA that signed the broker's certificate. Empty means Node's built-in CAs.",
      ),
    clientCertSecretRef: z
      .object({ name: z.string().min(1).describe("Name of a Secret in the ImagePlatform's namespace.") })
      .optional()
      .describe(
        'For a broker that verifies peers: a kubernetes.io/tls Secret (keys `tls.crt` and `tls.key`) with the client certificate the pods present.',
      ),
    name: z
      .string()
      .regex(QUEUE_NAME_PATTERN)
      .default(QUEUE_DEFAULTS.name)
      .describe('Queue of conversion tasks: letters, digits, ".", "_" or "-".'),
    type: z
      .enum(QUEUE_TYPES)
      .default(QUEUE_DEFAULTS.type)
      .describe(
        'quorum: replicated over the broker nodes, survives losing a minority of them (RabbitMQ 3.10+). classic: one node holds each queue, for a single-node or older broker. A queue cannot change type in place; see the README on moving across.',
      ),
    prefetch: z
      .int()
      .min(1)
      .max(1000)
      .default(CONVERTER_DEFAULTS.prefetch)
      .describe('Tasks a converter pod holds at once; its memory budget may decode fewer side by side.'),
  })
  .describe('RabbitMQ queue from media to converter.');

export const eventsSpec = z
  .object({
    exchange: z
      .string()
      .regex(QUEUE_NAME_PATTERN)
      .default(EVENTS_DEFAULTS.exchange)
      .describe(
        "Durable topic exchange on the queue's broker that photo.ready, photo.failed and photo.deleted are published to; routing key = event type.",
      ),
    webhook: z
      .object({
        url: z
          .string()
          .regex(/^https?:\/\/\S+$/)
          .describe(
            'Where each event is POSTed, as CloudEvents JSON signed in the Enlarger-Signature header.',
          ),
        secretRef: secretKeyRef('secret', 'the HMAC-SHA256 signing key, at least 16 characters').describe(
          'Secret key holding the key that signs every POST; the site verifies with the same key.',
        ),
      })
      .optional()
      .describe(
        'Relay every event to the site: media pods consume a durable queue bound to the exchange, retry with backoff and park what never got through on its dead-letter queue.',
      ),
  })
  .prefault({})
  .describe('Photo events: where they are published, and an optional signed webhook.');

export const tracingSpec = z
  .object({
    endpoint: z
      .string()
      .regex(/^https?:\/\/\S+$/)
      .optional()
      .describe(
        'Base URL of an OTLP/HTTP receiver (a Collector, Jaeger, a vendor), e.g. http://otel-collector.observability:4318; spans go to <endpoint>/v1/traces. Unset: tracing is off.',
      ),
    samplerRatio: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe(
        "Share of new traces kept, 0 to 1. A request that arrives with a sampled traceparent is always followed (parent-based), so a site's trace is never cut in half.",
      ),
    headersSecretRef: secretKeyRef('headers', 'OTLP export headers as key=value pairs, comma-separated')
      .optional()
      .describe("Secret key holding headers sent with every export, e.g. a vendor's API key."),
  })
  .prefault({})
  .describe(
    'OpenTelemetry traces: one trace per photo from the upload through the queue to the converter and its event, and one per resizer request with a span per pipeline step.',
  );

export const limitsSpec = z
  .object({
    maxPixels: z
      .int()
      .min(1)
      .default(IMAGE_LIMITS.maxPixels)
      .describe(
        'Largest image, width × height of one frame: media refuses larger uploads (422), the converter and the resizer refuse to decode them.',
      ),
    maxDimension: z
      .int()
      .min(1)
      .default(IMAGE_LIMITS.maxDimension)
      .describe('Largest width or height of an upload, in pixels; media refuses larger (422).'),
  })
  .prefault({})
  .describe(
    'How large an image the platform takes: one policy media, converter and resizer all apply, so no upload is accepted that the converter would refuse.',
  );

export const mediaSpec = z
  .object({
    replicas: replicas(2),
    maxUploadBytes: z
      .int()
      .min(1)
      .default(MEDIA_DEFAULTS.maxBytes)
      .describe('Largest accepted upload, in bytes.'),
    maxConcurrentUploads: z
      .int()
      .min(1)
      .max(1000)
      .default(MEDIA_DEFAULTS.maxUploads)
      .describe(
        'Uploads a media pod takes at once; past it, 503 with Retry-After. Each can hold ~30 MiB on S3: keep it near limit/64Mi.',
      ),
    uploadKeysSecretRef: secretKeyRef(
      'keys',
      'comma-separated upload token keys: the first signs, all verify',
    )
      .optional()
      .describe(
        'Secret key holding the upload token keys (MEDIA_UPLOAD_KEYS): POST /v1/photos then needs a token signed with one. Unset: anyone who reaches media can upload, so run it only behind the site.',
      ),
    adminKeysSecretRef: secretKeyRef('keys', 'comma-separated admin keys, each accepted')
      .optional()
      .describe(
        "Secret key holding the admin keys (MEDIA_ADMIN_KEYS) the site's back end sends as Bearer to DELETE and PATCH /v1/photos/{id}. Unset with uploadKeysSecretRef set: both are refused; unset without it: both are open, like uploads.",
      ),
    resources: resources({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } }),
    ...placementSpec,
    podDisruptionBudget: disruptionBudgetSpec,
    service: serviceSpec,
    override: overrideWithService,
  })
  .prefault({})
  .describe('The upload API.');

const intervalSeconds = () =>
  z.int().min(1).max(3600).default(15).describe('How often the autoscaler measures and decides, in seconds.');

export const resizerAutoscalingSpec = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe("Let the operator's autoscaler own the resizer's replicas (replicas is then ignored)."),
    minReplicas: z.int().min(1).default(2).describe('Fewest resizer pods.'),
    maxReplicas: z.int().min(1).default(10).describe('Most resizer pods.'),
    targetP95Milliseconds: z
      .int()
      .min(1)
      .default(180)
      .describe(
        'p95 latency of cache misses, across pods over one interval, that one more pod should bring back.',
      ),
    targetQueueDepth: z
      .int()
      .min(1)
      .default(4)
      .describe(
        'Requests waiting for a render slot per pod; must be below queueSize, where shedding starts.',
      ),
    intervalSeconds: intervalSeconds(),
    scaleUp: z
      .object({
        percent: z
          .int()
          .min(1)
          .default(100)
          .describe('Add at most this share of the current pods per period.'),
        pods: z.int().min(1).default(4).describe('Or at most this many pods per period, whichever is more.'),
        periodSeconds: z.int().min(1).default(15).describe('The period of the step limit, in seconds.'),
      })
      .prefault({})
      .describe("Step limit of a scale-up, Kubernetes HPA's defaults."),
    scaleDown: z
      .object({
        stabilizationSeconds: z
          .int()
          .min(0)
          .max(3600)
          .default(300)
          .describe('Scale down only to the highest recommendation of this window.'),
      })
      .prefault({})
      .describe('Scale-down behaviour.'),
  })
  .prefault({})
  .meta(
    cel({
      rule: 'self.minReplicas <= self.maxReplicas',
      message: 'minReplicas must be less than or equal to maxReplicas',
    }),
  )
  .describe('Autoscaling of the resizer on p95 latency, queue depth and shedding, scraped from its pods.');

export const converterAutoscalingSpec = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe("Let the operator's autoscaler own the converter's replicas (replicas is then ignored)."),
    minReplicas: z
      .int()
      .min(0)
      .default(1)
      .describe('Fewest converter pods; 0 scales to zero when the queue is empty.'),
    maxReplicas: z.int().min(1).default(10).describe('Most converter pods.'),
    targetBacklogPerReplica: z
      .int()
      .min(1)
      .default(20)
      .describe('Tasks waiting in the queue per converter pod.'),
    intervalSeconds: intervalSeconds(),
    cooldownSeconds: z
      .int()
      .min(0)
      .max(86_400)
      .default(300)
      .describe('How long the queue must stay empty, nothing unacknowledged, before scaling to zero.'),
  })
  .prefault({})
  .describe('Autoscaling of the converter on the RabbitMQ backlog, down to zero.');

export const converterSpec = z
  .object({
    replicas: replicas(1),
    master: z
      .object({
        maxEdge: z
          .int()
          .min(1)
          .max(16384)
          .default(CONVERTER_DEFAULTS.master.maxEdge)
          .describe('Longest edge of the stored master, in pixels.'),
        format: z
          .enum(MASTER_FORMATS)
          .default(CONVERTER_DEFAULTS.master.format)
          .describe('Format of the master.'),
        quality: quality()
          .default(CONVERTER_DEFAULTS.master.quality)
          .describe('Encoder quality of the master, 1-100.'),
      })
      .prefault({})
      .describe('The normalised master every size is derived from.'),
    sizes: z
      .array(sizeSpec)
      .max(32)
      .default(CONVERTER_DEFAULTS.sizes)
      .meta(
        cel({
          rule: 'self.all(s, self.exists_one(t, t.name == s.name))',
          message: 'size names must be unique',
        }),
      )
      .describe('Sizes rendered ahead of time for every upload.'),
    memoryBudgetFraction: z
      .number()
      .min(0.1)
      .max(0.9)
      .default(CONVERTER_DEFAULTS.memoryBudgetFraction)
      .describe(
        "Share of the memory limit that decodes may hold at once (estimated from each original's pixels); the rest is the runtime's.",
      ),
    autoscaling: converterAutoscalingSpec,
    resources: resources({
      requests: { cpu: '500m', memory: '512Mi' },
      limits: { memory: memoryQuantity(CONVERTER_DEFAULTS.memoryLimitBytes) },
    }),
    ...placementSpec,
    podDisruptionBudget: disruptionBudgetSpec,
    override: overrideDeploymentOnly,
  })
  .prefault({})
  .meta(
    cel({
      rule: '!self.autoscaling.enabled || self.autoscaling.minReplicas <= self.autoscaling.maxReplicas',
      message: 'autoscaling.minReplicas must be less than or equal to autoscaling.maxReplicas',
    }),
  )
  .describe('The worker that turns uploads into a master and the configured sizes.');

export const watermarkSpec = z
  .object({
    logoKey: z.string().min(1).optional().describe('Storage key of a PNG logo drawn on each image.'),
    position: z
      .enum(PLACEMENTS)
      .default(RESIZER_DEFAULTS.watermark.position)
      .describe('Where the watermark sits.'),
    opacity: z
      .number()
      .min(0)
      .max(1)
      .default(RESIZER_DEFAULTS.watermark.opacity)
      .describe('Opacity of the watermark, 0-1.'),
    scale: z
      .number()
      .min(0.01)
      .max(1)
      .default(RESIZER_DEFAULTS.watermark.scale)
      .describe('Watermark width as a fraction of the image width.'),
    attribution: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Who is credited ("© <attribution>") on photos with no photographer on record; photos with one credit their photographer.',
      ),
    minWidth: z
      .int()
      .min(1)
      .default(RESIZER_DEFAULTS.watermark.minWidth)
      .describe('Images narrower than this are not watermarked.'),
  })
  .meta(
    cel({
      rule: 'has(self.logoKey) || has(self.attribution)',
      message: 'a watermark needs a logoKey or an attribution',
    }),
  )
  .describe('Watermark applied by the resizer. Empty means none.');

export const resizerSpec = z
  .object({
    replicas: replicas(2),
    autoscaling: resizerAutoscalingSpec,
    slots: z
      .int()
      .min(1)
      .max(64)
      .default(RESIZER_DEFAULTS.slots)
      .describe('Renders at once per pod; one per core the pod may use.'),
    queueSize: z
      .int()
      .min(1)
      .max(10_000)
      .default(RESIZER_DEFAULTS.queueSize)
      .describe('Requests that may wait for a slot per pod; past it the pod answers 503 at once.'),
    cacheMegabytes: z
      .int()
      .min(0)
      .optional()
      .describe(
        'In-memory cache of rendered images per pod, in MiB. Unset: a share of the memory limit (165 MiB of 1Gi); a bigger cache leaves renders less.',
      ),
    watermark: watermarkSpec.optional(),
    allowWatermarkOptOut: z
      .boolean()
      .default(RESIZER_DEFAULTS.watermarkOptOut)
      .describe(
        'Let `wm=0` drop the logo and attribution. Off: every image carries the credit. Turn on only with signingSecretRef, so only URLs you sign can drop it.',
      ),
    signingSecretRef: secretKeyRef('keys', 'comma-separated URL signing keys').optional(),
    resources: resources({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { memory: memoryQuantity(RESIZER_DEFAULTS.memoryLimitBytes) },
    }),
    ...placementSpec,
    podDisruptionBudget: disruptionBudgetSpec,
    service: serviceSpec,
    override: overrideWithService,
  })
  .prefault({})
  .meta(
    cel({
      rule: '!self.autoscaling.enabled || self.autoscaling.targetQueueDepth < self.queueSize',
      message: 'autoscaling.targetQueueDepth must be below queueSize: a pod never queues more',
    }),
  )
  .describe('The on-demand resizing HTTP service.');

export const imagePlatformSpec = z
  .object({
    image: imageSpec,
    storage: storageSpec,
    queue: queueSpec,
    events: eventsSpec,
    tracing: tracingSpec,
    limits: limitsSpec,
    media: mediaSpec,
    converter: converterSpec,
    resizer: resizerSpec,
    serviceAccount: serviceAccountSpec,
    pod: podDefaultsSpec,
    networkPolicy: networkPolicySpec,
    paused: z
      .boolean()
      .default(false)
      .describe('Stop reconciling: the operator leaves the children as they are.'),
  })
  .describe('Desired state of an image platform: storage, queue and the three services.');

export type ImagePlatformSpec = z.output<typeof imagePlatformSpec>;
export type { SizeSpec } from '../../services/converter/sizes.js';
export type ResizerSpec = z.output<typeof resizerSpec>;
export type ConverterSpec = z.output<typeof converterSpec>;
export type ResizerAutoscaling = z.output<typeof resizerAutoscalingSpec>;
export type ConverterAutoscaling = z.output<typeof converterAutoscalingSpec>;
export type SecretKeyRef = z.output<typeof queueSpec>['urlSecretRef'];
export type ResourceRequirements = ImagePlatformSpec['media']['resources'];
