import { describe, expect, it } from 'vitest';
import {
  CONVERTER_DEFAULTS,
  loadConverterConfig,
  type ConverterEnv,
} from '../../../services/converter/config.js';
import { loadMediaConfig } from '../../../services/media/config.js';
import { loadResizerConfig } from '../../../services/resizer/config.js';
import { samplePlatform } from '../fixture.js';
import type { ImagePlatform } from '../imageplatform.js';
import type { Component } from '../names.js';
import { component, components } from './index.js';

const LOADERS = { media: loadMediaConfig, converter: loadConverterConfig, resizer: loadResizerConfig };

/** What a pod of `name` sees: the ConfigMap (every row's env) plus its Secrets, resolved to placeholders. */
function podEnv(cr: ImagePlatform, name: Component): Record<string, string> {
  const env = Object.assign({}, ...components(cr).map((row) => row.env)) as Record<string, string>;
  for (const s of component(cr, name).secretEnv)
    env[s.name] = s.name === 'AMQP_URL' ? 'amqp://u:p@mq:5672' : 'x';
  return env;
}

/**
 * A config with what legitimately differs between a pod and a bare process
 * left out: where storage and queue are, and the pod's ports. Media's queue
 * goes too: it only publishes, so the converter's prefetch in the shared
 * ConfigMap means nothing to it.
 */
function comparable(config: object, name: Component): unknown {
  const { storage: _s, queue, port: _p, adminPort: _a, ...rest } = config as Record<string, unknown>;
  if (name === 'media') return rest;
  return { ...rest, prefetch: (queue as { prefetch?: number } | undefined)?.prefetch };
}

describe('contract between the operator and the services', () => {
  const custom = samplePlatform({
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
      queueSize: 20,
      signingSecretRef: { name: 'signing' },
      watermark: { logoKey: 'logo.png', position: 'north', opacity: 0.3, scale: 0.2, minWidth: 500 },
    },
  });

  it.each(['media', 'converter', 'resizer'] as const)(
    'renders an env the %s parses with its own parser',
    (name) => {
      expect(() => LOADERS[name](podEnv(custom, name))).not.toThrow();
    },
  );

  it('carries every setting through to the parsed config', () => {
    expect(loadMediaConfig(podEnv(custom, 'media')).limits.maxBytes).toBe(1000);
    const converter = loadConverterConfig(podEnv(custom, 'converter'));
    expect([converter.master, converter.queue.prefetch, converter.sizes]).toEqual([
      { maxEdge: 2000, format: 'webp', quality: 85 },
      3,
      [{ name: 'thumb', width: 200, fit: 'inside', format: 'jpeg', quality: 80 }],
    ]);
    const resizer = loadResizerConfig(podEnv(custom, 'resizer'));
    expect([resizer.outputCacheBytes, resizer.limiter.queueSize, resizer.handler.signingKeys]).toEqual([
      64 * 1024 ** 2,
      20,
      ['x'],
    ]);
  });

  // A default changed on one side only fails here: a default platform's pods
  // behave exactly like `enlarger <service>` started with no settings.
  it.each(['media', 'resizer'] as const)('gives the %s the same defaults as running it bare', (name) => {
    const pod = LOADERS[name](podEnv(samplePlatform(), name));
    const bare = LOADERS[name]({});
    expect(comparable(pod, name)).toEqual(comparable(bare, name));
  });

  it('gives the converter the same defaults as running it bare, its budget derived from the default limit', () => {
    const pod = loadConverterConfig(podEnv(samplePlatform(), 'converter'));
    const bare = loadConverterConfig({ QUEUE_KIND: 'memory' });
    expect(comparable(pod, 'converter')).toEqual(comparable(bare, 'converter'));
    expect(pod.memoryBudgetBytes).toBe(CONVERTER_DEFAULTS.memoryBudgetBytes);
  });

  it('types every rendered name against the service schema', () => {
    // @ts-expect-error: a name the converter does not read (renamed or misspelt) fails `make check`.
    const stale: ConverterEnv = { CONVERTER_MASTER_EDGE: '2048' };
    // @ts-expect-error: so does a value of the wrong format where the schema knows the format.
    const wrong: ConverterEnv = { S3_FORCE_PATH_STYLE: 'yes' };
    expect([stale, wrong]).toHaveLength(2);
  });
});
