import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import { build } from './configmap.js';

const owner = {
  apiVersion: 'enlarger.dev/v1alpha1',
  kind: 'ImagePlatform',
  name: 'photos',
  uid: 'uid-1',
  controller: true,
  blockOwnerDeletion: true,
};

describe('ConfigMap builder', () => {
  it('renders every setting of a full spec', () => {
    const cr = samplePlatform({
      storage: { bucket: 'photos', endpoint: 'http://minio:9000', forcePathStyle: true },
      queue: { urlSecretRef: { name: 'amqp' }, name: 'convert', prefetch: 2 },
      events: {
        exchange: 'site.events',
        webhook: { url: 'https://site.example/hooks/enlarger', secretRef: { name: 'webhook' } },
      },
      media: { maxUploadBytes: 1000 },
      converter: {
        master: { maxEdge: 2000, format: 'webp', quality: 85 },
        sizes: [{ name: 'thumb', width: 200, height: 200, fit: 'cover' }],
      },
      resizer: { cacheMegabytes: 64, watermark: { logoKey: 'logo.png', attribution: '© me' } },
    });
    expect(build(cr)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'photos-config',
        namespace: 'media-team',
        labels: {
          'app.kubernetes.io/name': 'enlarger',
          'app.kubernetes.io/instance': 'photos',
          'app.kubernetes.io/managed-by': 'enlarger-operator',
        },
        ownerReferences: [owner],
      },
      data: {
        STORAGE_KIND: 's3',
        S3_BUCKET: 'photos',
        S3_REGION: 'us-east-1',
        S3_FORCE_PATH_STYLE: 'true',
        S3_ENDPOINT: 'http://minio:9000',
        QUEUE_KIND: 'amqp',
        QUEUE_NAME: 'convert',
        QUEUE_TYPE: 'quorum',
        EVENTS_EXCHANGE: 'site.events',
        // Its signing key is not here: media reads it from the Secret (deployment.test.ts).
        EVENTS_WEBHOOK_URL: 'https://site.example/hooks/enlarger',
        MEDIA_PORT: '8080',
        MEDIA_ADMIN_PORT: '9090',
        MEDIA_MAX_BYTES: '1000',
        MEDIA_MAX_UPLOADS: '8',
        MEDIA_MAX_PIXELS: '150000000',
        MEDIA_MAX_WIDTH: '16384',
        MEDIA_MAX_HEIGHT: '16384',
        CONVERTER_ADMIN_PORT: '9090',
        QUEUE_PREFETCH: '2',
        CONVERTER_MASTER_MAX_EDGE: '2000',
        CONVERTER_MASTER_FORMAT: 'webp',
        CONVERTER_MASTER_QUALITY: '85',
        CONVERTER_SIZES:
          '[{"name":"thumb","width":200,"height":200,"fit":"cover","format":"jpeg","quality":80}]',
        CONVERTER_MAX_PIXELS: '150000000',
        CONVERTER_MEMORY_BUDGET: String(Math.floor(1024 ** 3 * 0.6)),
        RESIZER_PORT: '8080',
        RESIZER_ADMIN_PORT: '9090',
        RESIZER_SLOTS: '2',
        RESIZER_QUEUE_SIZE: '16',
        RESIZER_MAX_SOURCE_PIXELS: '150000000',
        // The 1 GiB limit less 160 MiB runtime and 256 MiB retained: the spec's 64 MiB output
        // cache, 164 MiB source and 36 MiB overlay caches, and 344 MiB of renders.
        RESIZER_OUTPUT_CACHE_BYTES: String(64 * 1024 ** 2),
        RESIZER_SOURCE_CACHE_BYTES: String(164 * 1024 ** 2),
        RESIZER_OVERLAY_CACHE_BYTES: String(36 * 1024 ** 2),
        RESIZER_RENDER_MEMORY_BYTES: String(344 * 1024 ** 2),
        RESIZER_WATERMARK_OPT_OUT: 'false',
        RESIZER_WATERMARK_POSITION: 'southeast',
        RESIZER_WATERMARK_OPACITY: '0.6',
        RESIZER_WATERMARK_SCALE: '0.15',
        RESIZER_WATERMARK_MIN_WIDTH: '320',
        RESIZER_WATERMARK_LOGO_KEY: 'logo.png',
        RESIZER_WATERMARK_ATTRIBUTION: '© me',
      },
    });
  });

  it('leaves out the endpoint and the watermark when the spec has none', () => {
    const { data } = build(samplePlatform());
    expect(
      Object.keys(data ?? {}).filter((k) => k === 'S3_ENDPOINT' || k.startsWith('RESIZER_WATERMARK')),
    ).toEqual(['RESIZER_WATERMARK_OPT_OUT']);
  });
});
