import { describe, expect, it } from 'vitest';
import { loadConverterConfig } from '../../services/converter/config.js';
import { loadMediaConfig } from '../../services/media/config.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { samplePlatform } from '../api/fixture.js';
import * as configMap from './configmap.js';
import { componentEnv } from './service-env.js';

/** The environment a pod of `component` would see, with Secret references resolved to placeholders. */
function podEnv(cr: ReturnType<typeof samplePlatform>, component: 'media' | 'converter' | 'resizer') {
  const secretValues: Record<string, string> = {
    S3_ACCESS_KEY_ID: 'key',
    S3_SECRET_ACCESS_KEY: 'secret',
    AMQP_URL: 'amqp://user:pass@rabbitmq:5672',
    SIGNING_KEYS: 'k1,k2',
  };
  const env: Record<string, string> = { ...configMap.build(cr).data };
  for (const v of componentEnv(cr, component)) env[v.name] = v.value ?? secretValues[v.name]!;
  return env;
}

// The services parse their env with their own schemas; the rendered config must pass them.
describe('rendered service environment', () => {
  const cr = samplePlatform({
    storage: {
      bucket: 'photos',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      credentialsSecretRef: { name: 's3' },
    },
    queue: { urlSecretRef: { name: 'amqp' }, prefetch: 3 },
    media: { maxUploadBytes: 1000 },
    converter: {
      master: { maxEdge: 2000, format: 'webp', quality: 85 },
      sizes: [{ name: 'thumb', width: 200 }],
    },
    resizer: {
      cacheMegabytes: 64,
      signingSecretRef: { name: 'signing' },
      watermark: { logoKey: 'logo.png', position: 'north', opacity: 0.3, scale: 0.2, minWidth: 500 },
    },
  });

  it('is accepted by the media service', () => {
    const config = loadMediaConfig(podEnv(cr, 'media'));
    expect({ port: config.port, maxBytes: config.limits.maxBytes }).toEqual({ port: 8080, maxBytes: 1000 });
  });

  it('is accepted by the converter', () => {
    const config = loadConverterConfig(podEnv(cr, 'converter'));
    expect(config.master).toEqual({ maxEdge: 2000, format: 'webp', quality: 85 });
    expect(config.sizes).toEqual([{ name: 'thumb', width: 200, fit: 'inside', format: 'webp', quality: 80 }]);
  });

  it('is accepted by the resizer', () => {
    const config = loadResizerConfig(podEnv(cr, 'resizer'));
    expect(config.outputCacheBytes).toBe(64 * 1024 ** 2);
  });
});
