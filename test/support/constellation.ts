import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import { connect, type ChannelModel } from 'amqplib';
import { createWebhookQueue, eventPublisherFor } from '../../lib/events/create-events.js';
import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { splitAmqpUrls } from '../../lib/queue/amqp-endpoints.js';
import { topology, type QueueType } from '../../lib/queue/amqp-topology.js';
import { createQueue } from '../../lib/queue/create-queue.js';
import type { TaskQueue } from '../../lib/queue/queue.js';
import { S3Storage } from '../../lib/storage/s3-storage.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { createConverterService } from '../../services/converter/service.js';
import { loadMediaConfig } from '../../services/media/config.js';
import { createMediaService } from '../../services/media/service.js';
import { testEnv, uniqueName } from './env.js';
import { eventually } from './wait.js';

/** The statuses a test reads back. */
export interface PhotoStatus {
  id: string;
  status: 'processing' | 'ready' | 'failed';
  original: { format: string; width: number; height: number; bytes: number };
  master?: { key: string; width: number; height: number; format: string };
  conversions: Array<{ name: string; key: string; width: number; height: number; format: string }>;
  error?: string;
}

/**
 * Media and converter on the real RabbitMQ and S3 server, with a bucket and
 * queue of their own. `env` is what the services read, so the same settings
 * start them in-process or as child processes (`node dist/cli/main.js …`).
 */
export class Constellation {
  readonly bucket = uniqueName('it-photos');
  readonly queueName = uniqueName('it-convert');
  /** The converter declares its events exchange: one per test, so runs sharing a broker stay apart. */
  readonly eventsExchange = uniqueName('it-events');
  readonly env: Record<string, string>;
  readonly storage: S3Storage;
  private readonly stops: Array<() => Promise<void>> = [];
  private readonly adminUrls = new Map<string, string>();

  constructor(overrides: Record<string, string> = {}) {
    const t = testEnv();
    this.env = {
      STORAGE_KIND: 's3',
      S3_ENDPOINT: t.S3_ENDPOINT,
      S3_REGION: t.S3_REGION,
      S3_BUCKET: this.bucket,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: t.S3_ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: t.S3_SECRET_ACCESS_KEY,
      QUEUE_KIND: 'amqp',
      AMQP_URL: t.AMQP_URL,
      QUEUE_NAME: this.queueName,
      EVENTS_EXCHANGE: this.eventsExchange,
      // Fast retries so outages heal within a test's patience.
      QUEUE_RETRY_DELAYS_MS: '250,500,1000,2000',
      QUEUE_MAX_ATTEMPTS: '30',
      MEDIA_PORT: '0',
      MEDIA_ADMIN_PORT: '0',
      MEDIA_HOST: '127.0.0.1',
      CONVERTER_ADMIN_PORT: '0',
      CONVERTER_HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      ...overrides,
    };
    this.storage = new S3Storage({
      bucket: this.bucket,
      endpoint: t.S3_ENDPOINT,
      region: t.S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: t.S3_ACCESS_KEY_ID, secretAccessKey: t.S3_SECRET_ACCESS_KEY },
    });
  }

  async createBucket(): Promise<void> {
    await this.storage.ensureBucket();
  }

  /** Starts media in this process, with `overrides` over {@link env}; returns its base URL. */
  async startMedia(overrides: Record<string, string> = {}): Promise<string> {
    const config = loadMediaConfig({ ...this.env, ...overrides });
    const log = createLogger({ level: config.logLevel, name: 'media' });
    const queue = createQueue<ConversionTask>(config.queue, {
      logger: log,
      connectionName: `${this.queueName}-media`,
    });
    const webhookQueue =
      config.webhook &&
      createWebhookQueue(config.queue, config.webhook, {
        exchange: config.eventsExchange,
        logger: log,
        connectionName: `${this.queueName}-media-webhook`,
      });
    const media = createMediaService({
      config,
      storage: this.storage,
      queue,
      webhookQueue,
      registry: createMetricsRegistry(),
      log,
    });
    const { port, adminPort } = await media.start();
    this.stops.push(async () => {
      await media.stop();
      await queue.close();
      await webhookQueue?.close();
    });
    // As `enlarger media` does: up without the broker, but not past a queue it can never use.
    await queue.connected();
    const url = `http://127.0.0.1:${port}`;
    this.adminUrls.set(url, `http://127.0.0.1:${adminPort}`);
    return url;
  }

  /** The admin base URL (probes, metrics) of a media started by {@link startMedia}. */
  admin(publicUrl: string): string {
    const admin = this.adminUrls.get(publicUrl);
    if (!admin) throw new Error(`no media started at ${publicUrl}`);
    return admin;
  }

  /** Starts the converter in this process, with `overrides` over {@link env}. */
  async startConverter(overrides: Record<string, string> = {}): Promise<TaskQueue<ConversionTask>> {
    const config = loadConverterConfig({ ...this.env, ...overrides });
    const log = createLogger({ level: config.logLevel, name: 'converter' });
    const queue = createQueue<ConversionTask>(config.queue, {
      logger: log,
      connectionName: `${this.queueName}-converter`,
      exchange: { name: config.eventsExchange },
    });
    const converter = createConverterService({
      config,
      storage: this.storage,
      queue,
      events: eventPublisherFor(queue),
      registry: createMetricsRegistry(),
      log,
    });
    await converter.start();
    this.stops.push(async () => {
      await queue.close();
      await converter.stop();
    });
    return queue;
  }

  async upload(baseUrl: string, body: Buffer, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${baseUrl}/v1/photos`, { method: 'POST', body, headers });
  }

  async status(baseUrl: string, id: string): Promise<PhotoStatus> {
    return (await (await fetch(`${baseUrl}/v1/photos/${id}`)).json()) as PhotoStatus;
  }

  /** Waits until the photo leaves `processing`, reading the manifest from storage. */
  async settled(baseUrl: string, id: string, timeoutMs = 60_000): Promise<PhotoStatus> {
    return eventually(
      async () => {
        const s = await this.status(baseUrl, id);
        return s.status === 'processing' ? undefined : s;
      },
      { timeoutMs, what: `photo ${id} to be converted` },
    );
  }

  async keys(prefix = ''): Promise<string[]> {
    const keys: string[] = [];
    for await (const info of this.storage.list(prefix)) keys.push(info.key);
    return keys;
  }

  /** Stops what was started here, then deletes the bucket and every queue of the topology. */
  async dispose(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop().catch(() => undefined);
    for (const key of await this.keys().catch(() => [])) await this.storage.delete(key);
    await this.storage.client.send(new DeleteBucketCommand({ Bucket: this.bucket })).catch(() => undefined);
    this.storage.destroy();
    // The first broker of the list that answers: a test may have killed one.
    const amqp = await firstAnswering(splitAmqpUrls(this.env.AMQP_URL!));
    const channel = await amqp.createChannel();
    const retries = this.env.QUEUE_RETRY_DELAYS_MS!.split(',').map(Number);
    const type = (this.env.QUEUE_TYPE ?? 'quorum') as QueueType;
    const { main, deadLetter, retries: retryQueues } = topology(this.queueName, retries, type);
    for (const q of [main, deadLetter, ...retryQueues.values()]) await channel.deleteQueue(q.name);
    await channel.deleteExchange(this.env.EVENTS_EXCHANGE!);
    await amqp.close();
  }
}

async function firstAnswering(urls: string[]): Promise<ChannelModel> {
  let lastError: unknown;
  for (const url of urls) {
    try {
      return await connect(url);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
