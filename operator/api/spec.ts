import { z } from 'zod';

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
 * - cross-field rules are CEL `x-kubernetes-validations` in `.meta()`.
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

const imageFormat = z.enum(['jpeg', 'webp', 'avif', 'png']);

export const imageSpec = z
  .object({
    repository: z
      .string()
      .min(1)
      .default('ghcr.io/enlarger/enlarger')
      .describe('Image repository of the services.'),
    tag: z.string().min(1).default('0.1.0').describe('Image tag of the services.'),
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
    region: z.string().min(1).default('us-east-1').describe('S3 region.'),
    forcePathStyle: z
      .boolean()
      .default(false)
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
    urlSecretRef: secretKeyRef('url', 'the AMQP URL, amqp://user:password@host:5672/vhost'),
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,200}$/)
      .default('enlarger.convert')
      .describe('Queue of conversion tasks: letters, digits, ".", "_" or "-".'),
    prefetch: z.int().min(1).max(1000).default(4).describe('Tasks a converter pod works on at once.'),
  })
  .describe('RabbitMQ queue from media to converter.');

export const mediaSpec = z
  .object({
    replicas: replicas(2),
    maxUploadBytes: z.int().min(1).default(52_428_800).describe('Largest accepted upload, in bytes.'),
    resources: resources({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } }),
  })
  .prefault({})
  .describe('The upload API.');

export const sizeSpec = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/)
    .max(32)
    .describe('Name of the size, used in keys and URLs: lowercase letters, digits and dashes.'),
  width: z.int().min(1).max(8192).describe('Width in pixels.'),
  height: z.int().min(1).max(8192).optional().describe('Height in pixels. Empty keeps the aspect ratio.'),
  fit: z
    .enum(['cover', 'contain', 'fill', 'inside', 'outside'])
    .default('inside')
    .describe('How the image fits width x height (sharp semantics).'),
  format: imageFormat.default('webp').describe('Output format.'),
  quality: quality().default(80).describe('Encoder quality, 1-100.'),
});

export const converterSpec = z
  .object({
    replicas: replicas(1),
    master: z
      .object({
        maxEdge: z
          .int()
          .min(1)
          .max(16384)
          .default(4096)
          .describe('Longest edge of the stored master, in pixels.'),
        // Masters must stay cheap to decode for every size derived from them.
        format: z.enum(['jpeg', 'webp']).default('jpeg').describe('Format of the master.'),
        quality: quality().default(90).describe('Encoder quality of the master, 1-100.'),
      })
      .prefault({})
      .describe('The normalised master every size is derived from.'),
    sizes: z
      .array(sizeSpec)
      .max(32)
      .default([
        { name: 'thumb', width: 320, fit: 'inside', format: 'webp', quality: 80 },
        { name: 'medium', width: 1024, fit: 'inside', format: 'webp', quality: 80 },
        { name: 'large', width: 2048, fit: 'inside', format: 'webp', quality: 80 },
      ])
      .meta(
        cel({
          rule: 'self.all(s, self.exists_one(t, t.name == s.name))',
          message: 'size names must be unique',
        }),
      )
      .describe('Sizes rendered ahead of time for every upload.'),
    resources: resources({ requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } }),
  })
  .prefault({})
  .describe('The worker that turns uploads into a master and the configured sizes.');

export const autoscalingSpec = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe("Let the autoscaler own the resizer's replicas (replicas is then ignored)."),
    minReplicas: z.int().min(1).default(2).describe('Fewest resizer pods.'),
    maxReplicas: z.int().min(1).default(10).describe('Most resizer pods.'),
    targetP95Milliseconds: z.int().min(1).default(250).describe('Scale up when p95 latency exceeds this.'),
    targetQueueDepth: z.int().min(1).default(100).describe('Scale up when this many requests wait per pod.'),
  })
  .prefault({})
  .meta(
    cel({
      rule: 'self.minReplicas <= self.maxReplicas',
      message: 'minReplicas must be less than or equal to maxReplicas',
    }),
  )
  .describe('Autoscaling of the resizer.');

export const watermarkSpec = z
  .object({
    logoKey: z.string().min(1).optional().describe('Storage key of a PNG logo drawn on each image.'),
    position: z
      .enum(['north', 'northeast', 'east', 'southeast', 'south', 'southwest', 'west', 'northwest', 'center'])
      .default('southeast')
      .describe('Where the watermark sits.'),
    opacity: z.number().min(0).max(1).default(0.5).describe('Opacity of the watermark, 0-1.'),
    scale: z
      .number()
      .min(0.01)
      .max(1)
      .default(0.15)
      .describe('Watermark width as a fraction of the image width.'),
    attribution: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Who is credited ("© <attribution>") on photos with no photographer on record; photos with one credit their photographer.',
      ),
    minWidth: z.int().min(1).default(400).describe('Images narrower than this are not watermarked.'),
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
    autoscaling: autoscalingSpec,
    cacheMegabytes: z
      .int()
      .min(0)
      .default(256)
      .describe('In-memory cache of rendered images per pod, in MiB.'),
    watermark: watermarkSpec.optional(),
    signingSecretRef: secretKeyRef('keys', 'comma-separated URL signing keys').optional(),
    resources: resources({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } }),
  })
  .prefault({})
  .describe('The on-demand resizing HTTP service.');

export const imagePlatformSpec = z
  .object({
    image: imageSpec,
    storage: storageSpec,
    queue: queueSpec,
    media: mediaSpec,
    converter: converterSpec,
    resizer: resizerSpec,
    paused: z
      .boolean()
      .default(false)
      .describe('Stop reconciling: the operator leaves the children as they are.'),
  })
  .describe('Desired state of an image platform: storage, queue and the three services.');

export type ImagePlatformSpec = z.output<typeof imagePlatformSpec>;
export type SizeSpec = z.output<typeof sizeSpec>;
export type ResizerSpec = z.output<typeof resizerSpec>;
export type SecretKeyRef = z.output<typeof queueSpec>['urlSecretRef'];
export type ResourceRequirements = ImagePlatformSpec['media']['resources'];
