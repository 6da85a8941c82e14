import { describe, expect, it } from 'vitest';
import {
  CONVERTER_DEFAULTS,
  converterEnvSchema,
  loadConverterConfig,
  type ConverterEnv,
} from '../../../services/converter/config.js';
import { loadMediaConfig, mediaEnvSchema } from '../../../services/media/config.js';
import { loadResizerConfig, resizerEnvSchema } from '../../../services/resizer/config.js';
import { resizerMemoryPlan } from '../../../services/resizer/memory-plan.js';
import { samplePlatform } from '../fixture.js';
import type { ImagePlatform } from '../imageplatform.js';
import { COMPONENTS, type Component } from '../names.js';
import { component, components } from './index.js';

const LOADERS = { media: loadMediaConfig, converter: loadConverterConfig, resizer: loadResizerConfig };
/** Each service's own schema; its shape already holds the shared storage and queue names it reads. */
const SCHEMAS = { media: mediaEnvSchema, converter: converterEnvSchema, resizer: resizerEnvSchema };

/** What a pod of `name` sees: the ConfigMap (every row's env) plus its Secrets, resolved to placeholders. */
function podEnv(cr: ImagePlatform, name: Component): Record<string, string> {
  const env = Object.assign({}, ...components(cr).map((row) => row.env)) as Record<string, string>;
  for (const s of component(cr, name).secretEnv)
    env[s.name] = s.name === 'AMQP_URL' ? 'amqp://u:p@mq:5672' : 'x';
  return env;
}

/**
 * A config with what legitimately differs between a pod and a bare process
 * left out: the pod's ports and the broker's URL (the resizer's events' too). Media's prefetch goes too:
 * it only publishes, so the converter's prefetch in the shared ConfigMap
 * means nothing to it. Storage (region, path style, timeouts) and the queue's
 * name stay, so a default changed on one side only fails.
 */
function comparable(config: object, name: Component): unknown {
  const { queue, port: _p, adminPort: _a, ...withEvents } = config as Record<string, unknown>;
  // The resizer's photo-event subscription rides the broker too: its URL differs, its exchange may not.
  const { events, ...rest } = withEvents;
  if (events !== undefined) {
    const { url: _eu, ...sharedEvents } = events as Record<string, unknown>;
    Object.assign(rest, { events: sharedEvents });
  }
  if (queue === undefined) return rest;
  const { url: _u, prefetch, ...sharedQueue } = queue as Record<string, unknown>;
  return { ...rest, queue: name === 'media' ? sharedQueue : { ...sharedQueue, prefetch } };
}

/** A bare `enlarger <service>` on S3, given only the bucket the sample platform names. */
const BARE = { STORAGE_KIND: 's3', S3_BUCKET: 'photos' };

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
      resources: { limits: { memory: '2Gi' } },
    },
    resizer: {
      cacheMegabytes: 64,
      queueSize: 20,
      signingSecretRef: { name: 'signing' },
      watermark: {
        logoKey: 'logo.png',
        attribution: 'Photos Inc.',
        position: 'north',
        opacity: 0.3,
        scale: 0.2,
        minWidth: 500,
      },
      resources: { limits: { memory: '2Gi' } },
    },
  });

  it.each(COMPONENTS)('renders an env the %s parses with its own parser', (name) => {
    expect(() => LOADERS[name](podEnv(custom, name))).not.toThrow();
  });

  // The typecheck misses names inside a conditional spread unless each spread
  // object is checked on its own; this catches any it still misses. `custom`
  // turns every optional branch on: endpoint, watermark with logo and
  // attribution, memory limits.
  it.each(COMPONENTS)('renders only names the %s schema declares', (name) => {
    const row = component(custom, name);
    const rendered = [...Object.keys(row.env), ...row.secretEnv.map((s) => s.name)];
    const declared = new Set(Object.keys(SCHEMAS[name].shape));
    expect(rendered.filter((n) => !declared.has(n))).toEqual([]);
  });

  it('carries every setting through to the parsed config', () => {
    expect(loadMediaConfig(podEnv(custom, 'media')).limits.maxBytes).toBe(1000);
    const converter = loadConverterConfig(podEnv(custom, 'converter'));
    expect([converter.master, converter.queue.prefetch, converter.sizes]).toEqual([
      // The JPEG chroma is the converter's own setting: the CRD does not carry it.
      { maxEdge: 2000, format: 'webp', quality: 85, chroma: CONVERTER_DEFAULTS.master.chroma },
      3,
      [{ name: 'thumb', width: 200, fit: 'inside', format: 'jpeg', quality: 80 }],
    ]);
    expect(converter.memoryBudgetBytes).toBe(
      Math.floor(2 * 1024 ** 3 * CONVERTER_DEFAULTS.memoryBudgetFraction),
    );
    expect(converter.storage).toMatchObject({ endpoint: 'http://minio:9000', forcePathStyle: true });
    const resizer = loadResizerConfig(podEnv(custom, 'resizer'));
    expect([resizer.outputCacheBytes, resizer.limiter.queueSize, resizer.handler.signingKeys]).toEqual([
      64 * 1024 ** 2,
      20,
      ['x'],
    ]);
    expect([
      resizer.limiter.memoryBytes,
      resizer.photos.sourceCacheBytes,
      resizer.overlays.cacheBytes,
    ]).toEqual([
      resizerMemoryPlan(2 * 1024 ** 3, 64 * 1024 ** 2).renderBytes,
      resizerMemoryPlan(2 * 1024 ** 3, 64 * 1024 ** 2).sourceCacheBytes,
      resizerMemoryPlan(2 * 1024 ** 3, 64 * 1024 ** 2).overlayCacheBytes,
    ]);
    expect(resizer.overlays).toMatchObject({ logoKey: 'logo.png', logoOpacity: 0.3, logoScale: 0.2 });
    expect(resizer.render.watermark).toMatchObject({
      minWidth: 500,
      logoPosition: 'north',
      defaultCredit: 'Photos Inc.',
    });
  });

  // Raising media's limit alone once let it accept uploads the converter then marked failed.
  it('gives media, converter and resizer the one size limit of spec.limits', () => {
    const limited = samplePlatform({ limits: { maxPixels: 200_000_000, maxDimension: 20_000 } });
    const media = loadMediaConfig(podEnv(limited, 'media')).limits;
    const converter = loadConverterConfig(podEnv(limited, 'converter'));
    const resizer = loadResizerConfig(podEnv(limited, 'resizer'));
    expect({
      media: [media.maxPixels, media.maxWidth, media.maxHeight],
      converter: converter.maxPixels,
      resizer: resizer.render.load.maxSourcePixels,
    }).toEqual({ media: [200_000_000, 20_000, 20_000], converter: 200_000_000, resizer: 200_000_000 });
  });

  // A default changed on one side only fails here: a default platform's pods
  // behave exactly like `enlarger <service>` started with no settings.
  // The converter's and resizer's memory budgets are compared too: the pod's
  // are derived from the CRD's default limit, the bare ones from the service's.
  it.each(COMPONENTS)('gives the %s the same defaults as running it bare', (name) => {
    const pod = LOADERS[name](podEnv(samplePlatform(), name));
    const bare = LOADERS[name](BARE);
    expect(comparable(pod, name)).toEqual(comparable(bare, name));
  });

  it('types every rendered name against the service schema', () => {
    // @ts-expect-error: a name the converter does not read (renamed or misspelt) fails `make check`.
    const stale: ConverterEnv = { CONVERTER_MASTER_EDGE: '2048' };
    // @ts-expect-error: so does a value of the wrong format where the schema knows the format.
    const wrong: ConverterEnv = { S3_FORCE_PATH_STYLE: 'yes' };
    expect([stale, wrong]).toHaveLength(2);
  });
});
