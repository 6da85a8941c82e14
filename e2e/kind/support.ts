import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import { connect } from 'amqplib';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { topology } from '../../lib/queue/amqp-topology.js';
import { defaultRetryPolicy } from '../../lib/queue/queue.js';
import { S3Storage } from '../../lib/storage/s3-storage.js';
import { uniqueName } from '../../test/support/env.js';
import { childEnv, kindEnv } from './config.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** kubectl against the kind cluster. */
export function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, {
    cwd: REPO,
    env: childEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `kubectl apply -f -` of a manifest (YAML or JSON) into `namespace`. */
export function kubectlApply(namespace: string, manifest: string): void {
  execFileSync('kubectl', ['-n', namespace, 'apply', '-f', '-'], {
    input: manifest,
    env: childEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function kubectlJson<T>(...args: string[]): T {
  return JSON.parse(kubectl(...args, '-o', 'json')) as T;
}

/**
 * A suite's own names on the shared cluster: its namespace, and the bucket
 * and queue its platform uses, so suites never see each other's photos.
 */
export interface SuiteNames {
  ns: string;
  /** The random part of `ns`, for anything else a suite names (an exchange, a release). */
  suffix: string;
  bucket: string;
  queueName: string;
}

export function suiteNames(prefix: string): SuiteNames {
  const ns = uniqueName(prefix);
  const suffix = ns.slice(prefix.length + 1);
  return { ns, suffix, bucket: `photos-${suffix}`, queueName: `enlarger.convert.${suffix}` };
}

/** A platform manifest as loose JSON: each suite edits the parts its test is about. */
export interface PlatformManifest {
  spec: Record<string, Record<string, unknown>>;
}

/** `image` as a platform's `spec.image`. Never pulled: it was loaded into the nodes, and a pull would be a leak. */
export function loadedImage(image: string): Record<string, string> {
  const colon = image.lastIndexOf(':');
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1), pullPolicy: 'Never' };
}

/**
 * An example platform (`examples/imageplatform.yaml` of this tree unless
 * told otherwise: the previous release's, say) pointed at a suite: the
 * image loaded into the nodes, the suite's bucket in the cluster's MinIO and
 * its queue. Everything else is the example as written.
 */
export function examplePlatform(
  suite: Pick<SuiteNames, 'bucket' | 'queueName'>,
  { tree = REPO, file = 'examples/imageplatform.yaml', image = kindEnv().IMG } = {},
): PlatformManifest {
  const platform = parse(readFileSync(path.join(tree, file), 'utf8')) as PlatformManifest;
  platform.spec.image = loadedImage(image);
  platform.spec.storage = {
    ...platform.spec.storage,
    bucket: suite.bucket,
    endpoint: kindEnv().KIND_S3_ENDPOINT,
  };
  platform.spec.queue = { ...platform.spec.queue, name: suite.queueName };
  return platform;
}

/**
 * A component's `resources` with a small CPU request: the lab's nodes have 2
 * CPUs for the control plane, the backing services and every suite, and the
 * default requests (500m converter, 250m per resizer) leave pods Pending.
 */
export function smallCpu(limit: string, request = { cpu: '50m', memory: '256Mi' }): Record<string, unknown> {
  return { requests: request, limits: { memory: limit } };
}

/**
 * What examples/imageplatform.yaml expects to find before it is applied: its
 * bucket in the cluster's MinIO holding the watermark logo (`brand/logo.png`,
 * 400×200 magenta), and the suite's namespace with the Secrets it names:
 * `photos-s3` and `photos-amqp` for that MinIO and RabbitMQ (.run/kind.env),
 * and `photos-signing` holding `signingKey`.
 */
export async function prepareSample(namespace: string, bucket: string, signingKey: string): Promise<void> {
  const env = kindEnv();
  const storage = kindStorage(bucket);
  try {
    const logo = await sharp({
      create: { width: 400, height: 200, channels: 4, background: { r: 255, g: 0, b: 255, alpha: 1 } },
    })
      .png()
      .toBuffer();
    await storage.ensureBucket();
    await storage.put('brand/logo.png', logo, { contentType: 'image/png' });
  } finally {
    storage.destroy();
  }
  kubectl('create', 'namespace', namespace);
  const secret = (name: string, ...literals: string[]) =>
    kubectl(
      '-n',
      namespace,
      'create',
      'secret',
      'generic',
      name,
      ...literals.map((l) => `--from-literal=${l}`),
    );
  secret(
    'photos-s3',
    `accessKeyId=${env.KIND_S3_ACCESS_KEY_ID}`,
    `secretAccessKey=${env.KIND_S3_SECRET_ACCESS_KEY}`,
  );
  secret('photos-amqp', `url=${env.KIND_AMQP_URL}`);
  secret('photos-signing', `keys=${signingKey}`);
}

/**
 * The resizer's URL signature, written from the README's contract rather than
 * imported: HMAC-SHA256, base64url, over the path and the query sorted by
 * name, without `s`; the URL in that spelling with `s` last.
 */
export function signed(key: string, pathname: string, params: Record<string, string>): string {
  const query = new URLSearchParams(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const canonical = query.size ? `${pathname}?${query.toString()}` : pathname;
  const s = createHmac('sha256', key).update(canonical).digest('base64url');
  // Written canonically too, sorted and `s` last: a resizer may refuse other spellings.
  return `${canonical}${query.size ? '&' : '?'}s=${s}`;
}

interface PodList {
  items: {
    metadata: { name: string; namespace: string; labels?: Record<string, string> };
    spec: { containers: { name: string; resources?: { limits?: { memory?: string } } }[] };
    status: { containerStatuses?: { name: string; restartCount: number }[] };
  }[];
}

export interface MemoryRow {
  pod: string;
  container: string;
  /** memory.max_usage_in_bytes of the container's cgroup (v1; memory.peak on v2), page cache included. */
  peakBytes: number;
  /** total_rss now, without page cache. */
  rssBytes: number;
  limit: string;
  restarts: number;
}

const restartCount = (pod: PodList['items'][number], container: string): number =>
  pod.status.containerStatuses?.find((s) => s.name === container)?.restartCount ?? 0;

/**
 * Restart count of every container of the pods matching `selector`, keyed
 * `pod/container`. A kind cluster outlives one run (`kind-up` reuses it, and
 * dockerd restarting its node restarts every pod on it), so a suite measures
 * restarts against these counts taken when it starts, not against zero.
 */
export function restartsOf(namespace: string, selector: string[]): Map<string, number> {
  const pods = kubectlJson<PodList>('-n', namespace, 'get', 'pods', ...selector);
  return new Map(
    pods.items.flatMap((pod) =>
      pod.spec.containers.map((c) => [`${pod.metadata.name}/${c.name}`, restartCount(pod, c.name)] as const),
    ),
  );
}

/** Peak memory of every container of the pods matching `selector`, read from its own cgroup. */
export function memoryOf(namespace: string, selector: string[]): MemoryRow[] {
  const pods = kubectlJson<PodList>('-n', namespace, 'get', 'pods', ...selector);
  return pods.items.flatMap((pod) =>
    pod.spec.containers.map((c) => {
      // cgroup v1 mounts the container's own memory cgroup here; v2 has memory.peak.
      const script =
        'if [ -f /sys/fs/cgroup/memory/memory.max_usage_in_bytes ]; then ' +
        'cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes; grep "^total_rss " /sys/fs/cgroup/memory/memory.stat | cut -d" " -f2; ' +
        'else cat /sys/fs/cgroup/memory.peak; grep "^anon " /sys/fs/cgroup/memory.stat | cut -d" " -f2; fi';
      const [peak, rss] = kubectl(
        '-n',
        namespace,
        'exec',
        pod.metadata.name,
        '-c',
        c.name,
        '--',
        'sh',
        '-c',
        script,
      )
        .trim()
        .split('\n')
        .map(Number);
      return {
        pod: pod.metadata.name,
        container: c.name,
        peakBytes: peak ?? NaN,
        rssBytes: rss ?? NaN,
        limit: c.resources?.limits?.memory ?? 'none',
        restarts: restartCount(pod, c.name),
      };
    }),
  );
}

const UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 };

/** A memory quantity (`512Mi`, `1G`, `1073741824`) in bytes. */
export function quantityBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]i?)?$/.exec(q);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1);
}

/** The suite's bucket in the cluster's MinIO, reached from the host by ClusterIP. */
export function kindStorage(bucket: string): S3Storage {
  const env = kindEnv();
  return new S3Storage({
    bucket,
    endpoint: env.KIND_S3_HOST_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: env.KIND_S3_ACCESS_KEY_ID, secretAccessKey: env.KIND_S3_SECRET_ACCESS_KEY },
  });
}

/**
 * Deletes a suite's bucket (every object first) and its queue topology (main,
 * dead-letter and retry queues at the default delays, which the platform's
 * pods use) from the cluster's MinIO and RabbitMQ: a kind cluster is reused
 * run after run, and these would pile up there.
 */
export async function dropSuiteState(bucket: string, queueName: string): Promise<void> {
  const storage = kindStorage(bucket);
  try {
    for await (const { key } of storage.list('')) await storage.delete(key);
    await storage.client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } finally {
    storage.destroy();
  }
  const amqp = await connect(kindEnv().KIND_AMQP_HOST_URL);
  try {
    const channel = await amqp.createChannel();
    const { main, deadLetter, retries } = topology(queueName, defaultRetryPolicy.delaysMs);
    for (const q of [main, deadLetter, ...retries.values()]) await channel.deleteQueue(q.name);
  } finally {
    await amqp.close();
  }
}
