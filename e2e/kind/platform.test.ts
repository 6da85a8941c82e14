import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEADER_ELECTION } from '../../operator/toolkit/leader-election.js';
import { largeProgressivePhoto, realPhotosDir } from '../../test/support/photos.js';
import { missLoad } from '../../test/support/miss-load.js';
import { eventually } from '../../test/support/wait.js';
import { kindEnv } from './config.js';
import {
  dropSuiteState,
  examplePlatform,
  kubectl,
  kubectlApply,
  kubectlJson,
  memoryOf,
  prepareSample,
  quantityBytes,
  REPO,
  restartsOf,
  signed,
  smallCpu,
  suiteNames,
  type MemoryRow,
} from './support.js';

// The whole product on real pods: the chart's two operator replicas, the
// documented sample pointed at RabbitMQ and MinIO running in the cluster, real
// photos uploaded through the media Service and rendered through the resizer
// Service. The host reaches Services by ClusterIP: cluster.sh routes the
// Service range to the kind node, so every request goes through kube-proxy
// exactly as a pod's would, with no port-forward to babysit across pod kills.
const RENDITIONS = path.join(REPO, '.run/kind/renditions');

describe('ImagePlatform on kind', () => {
  const env = kindEnv();
  const suite = suiteNames('kind');
  const { ns, bucket, queueName } = suite;
  const signingKey = randomBytes(32).toString('hex');
  /** The chart's operator pods. */
  const operatorSelector = `app.kubernetes.io/instance=${env.RELEASE},app.kubernetes.io/component=operator`;
  const uploaded: { id: string; file: string; width: number; height: number }[] = [];
  const memory: MemoryRow[] = [];
  /** Every pod this suite watches for memory and restarts: the platform's, the operator's and the backing services'. */
  const watched: [namespace: string, selector: string[]][] = [
    [ns, ['-l', 'app.kubernetes.io/instance=photos']],
    [env.RELEASE_NAMESPACE, ['-l', operatorSelector]],
    ['queue', ['-l', 'app=rabbitmq']],
    ['storage', ['-l', 'app=minio']],
  ];
  const restartsAtStart = new Map<string, number>();
  let media = '';
  let resizer = '';
  /** A merge patch of the sample platform's spec, as a user would `kubectl patch` it. */
  const patchPlatform = (spec: Record<string, unknown>) =>
    kubectl('-n', ns, 'patch', 'imageplatform', 'photos', '--type=merge', '-p', JSON.stringify({ spec }));

  const platform = () => {
    const sample = examplePlatform(suite);
    // Memory requests and limits stay the defaults: they are what the peak-memory check is about.
    sample.spec.converter = {
      ...sample.spec.converter,
      resources: smallCpu('1Gi', { cpu: '100m', memory: '512Mi' }),
    };
    sample.spec.resizer = {
      ...sample.spec.resizer,
      resources: smallCpu('1Gi', { cpu: '100m', memory: '256Mi' }),
    };
    return JSON.stringify(sample);
  };
  const serviceUrl = (name: string) =>
    `http://${kubectl('-n', ns, 'get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}').trim()}`;
  // The operator's Lease identity is `<pod name>_<random>`.
  const leaderPod = () =>
    kubectl(
      '-n',
      env.RELEASE_NAMESPACE,
      'get',
      'lease',
      env.RELEASE,
      '-o',
      'jsonpath={.spec.holderIdentity}',
    ).replace(/_[^_]*$/, '');
  const operatorPods = () =>
    kubectl(
      '-n',
      env.RELEASE_NAMESPACE,
      'get',
      'pods',
      '-l',
      operatorSelector,
      '-o',
      'jsonpath={.items[*].metadata.name}',
    )
      .split(' ')
      .filter(Boolean);
  // Whether an operator pod's own log records applying that child (apply-children.ts).
  const appliedBy = (pod: string, child: string) =>
    kubectl('-n', env.RELEASE_NAMESPACE, 'logs', pod)
      .split('\n')
      .some((line) => line.includes('"applied child"') && line.includes(`"child":"${child}"`));
  const children = () =>
    kubectl(
      '-n',
      ns,
      'get',
      'deployments,services,configmaps',
      '-l',
      'app.kubernetes.io/instance=photos',
      '-o',
      'name',
    )
      .trim()
      .split('\n')
      .filter(Boolean);

  beforeAll(async () => {
    // The platform's namespace is new, so its pods start from zero.
    for (const [namespace, selector] of watched.slice(1)) {
      for (const [key, count] of restartsOf(namespace, selector)) restartsAtStart.set(key, count);
    }
    await prepareSample(ns, bucket, signingKey);
  });

  afterAll(async () => {
    kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
    await dropSuiteState(bucket, queueName);
    if (memory.length) {
      const dir = path.join(REPO, '.run/kind');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'memory.json'), JSON.stringify(memory, null, 2));
      const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
      console.log(
        ['pod/container: peak (cgroup, with page cache) / rss now / limit']
          .concat(
            memory.map(
              (m) => `${m.pod}/${m.container}: ${mib(m.peakBytes)} / ${mib(m.rssBytes)} / ${m.limit}`,
            ),
          )
          .join('\n'),
      );
    }
  });

  it('runs two operator replicas from the chart, one holding the Lease', () => {
    const pods = kubectlJson<{ items: { metadata: { name: string }; status: { phase: string } }[] }>(
      '-n',
      env.RELEASE_NAMESPACE,
      'get',
      'pods',
      '-l',
      operatorSelector,
    );
    expect(pods.items.map((p) => p.status.phase)).toEqual(['Running', 'Running']);
    expect(pods.items.map((p) => p.metadata.name)).toContain(leaderPod());
  });

  it('applies the documented sample against the real RabbitMQ and S3 and becomes Ready', async () => {
    kubectlApply(ns, platform());
    kubectl('-n', ns, 'wait', '--for=condition=Ready', 'imageplatform/photos', '--timeout=300s');
    expect(children().sort()).toEqual([
      'configmap/photos-config',
      'deployment.apps/photos-converter',
      'deployment.apps/photos-media',
      'deployment.apps/photos-resizer',
      'service/photos-media',
      'service/photos-resizer',
    ]);
    media = serviceUrl('photos-media');
    resizer = serviceUrl('photos-resizer');
    // Ready pods are not yet a routed Service: kube-proxy programs a new ClusterIP on its next sync, and
    // until then the node answers "unreachable" (EHOSTUNREACH). Wait until each Service answers at all.
    for (const url of [media, resizer]) {
      await eventually(
        async () => (await fetch(`${url}/v1/photos/none`).catch(() => undefined)) !== undefined,
        {
          timeoutMs: 60_000,
          what: `${url} to route`,
        },
      );
    }
  });

  it('takes real photos through the media Service, the 18 MP progressive one included, to ready', async () => {
    const dir = realPhotosDir();
    const large = await largeProgressivePhoto();
    // The large one plus the three smallest JPEGs: real files, a bounded run on two cores.
    const others = readdirSync(dir)
      .filter((n) => /\.jpe?g$/i.test(n))
      .map((n) => path.join(dir, n))
      .filter((f) => f !== large)
      .sort((a, b) => statSync(a).size - statSync(b).size)
      .slice(0, 3);
    for (const file of [large, ...others]) {
      const res = await fetch(`${media}/v1/photos`, {
        method: 'POST',
        body: readFileSync(file),
        headers: { 'content-type': 'application/octet-stream', 'x-photographer': 'Kind Example' },
      });
      expect(res.status, `${path.basename(file)}: ${res.status}`).toBe(201);
      const body = (await res.json()) as { id: string; original: { width: number; height: number } };
      uploaded.push({ id: body.id, file, width: body.original.width, height: body.original.height });
    }
    expect(uploaded[0]).toMatchObject({ width: 5640, height: 3172 });
    for (const photo of uploaded) {
      const status = await eventually(
        async () => {
          const s = (await (await fetch(`${media}/v1/photos/${photo.id}`)).json()) as { status: string };
          if (s.status === 'failed') throw new Error(`${photo.file} failed: ${JSON.stringify(s)}`);
          return s.status === 'ready' && s;
        },
        { timeoutMs: 240_000, intervalMs: 1000, what: `${path.basename(photo.file)} to be ready` },
      );
      expect(status.status).toBe('ready');
    }
  });

  it('renders signed, resized, watermarked and negotiated images through the resizer Service', async () => {
    const [large] = uploaded;
    const get = (pathAndQuery: string, accept = '*/*') =>
      fetch(`${resizer}${pathAndQuery}`, { headers: { accept } });
    const image = async (res: Response) => {
      expect(res.status).toBe(200);
      const buf = Buffer.from(await res.arrayBuffer());
      return { buf, meta: await sharp(buf).metadata() };
    };
    const photoPath = `/v1/photos/${large!.id}`;

    const unsigned = await get(`${photoPath}?w=800&fmt=jpeg`);
    expect(unsigned.status).toBe(403);
    // Well-formed, but made with another key.
    const forged = await get(signed('not-the-key', photoPath, { w: '800', fmt: 'jpeg' }));
    expect(forged.status).toBe(403);

    const jpeg = await image(await get(signed(signingKey, photoPath, { w: '800', fmt: 'jpeg' })));
    expect(jpeg.meta).toMatchObject({ format: 'jpeg', width: 800, height: Math.round((800 * 3172) / 5640) });

    const webp = await image(await get(signed(signingKey, photoPath, { w: '640', h: '640', fmt: 'webp' })));
    expect(webp.meta).toMatchObject({ format: 'webp', width: 640, height: 640 });

    // AVIF renders off the request path by default: WebP at once under a short max-age, then the AVIF.
    const autoUrl = signed(signingKey, photoPath, { w: '600' });
    const standInRes = await get(autoUrl, 'image/avif,image/webp,*/*');
    expect(standInRes.headers.get('vary')).toMatch(/accept/i);
    expect(standInRes.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await image(standInRes)).meta).toMatchObject({ format: 'webp', width: 600 });
    let avifRes = standInRes;
    for (const until = Date.now() + 60_000; Date.now() < until;) {
      avifRes = await get(autoUrl, 'image/avif,image/webp,*/*');
      if (avifRes.headers.get('content-type') === 'image/avif') break;
      await avifRes.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(avifRes.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const avif = await image(avifRes);
    expect(avif.meta).toMatchObject({ format: 'heif', compression: 'av1', width: 600 });
    const negotiatedWebp = await image(
      await get(signed(signingKey, photoPath, { w: '600' }), 'image/webp,*/*'),
    );
    expect(negotiatedWebp.meta).toMatchObject({ format: 'webp', width: 600 });
    const fallback = await image(await get(signed(signingKey, photoPath, { w: '600' }), 'image/jpeg'));
    expect(fallback.meta).toMatchObject({ format: 'jpeg', width: 600 });

    // The watermark, against the same resize done here from the original: the
    // sample's magenta logo in the south-east corner and the attribution plate
    // in the south-west change those corners, and the middle stays the same.
    // (A reference from the original rather than `wm=0`, which a platform may refuse.)
    const marked = await image(await get(signed(signingKey, photoPath, { w: '800', fmt: 'png' })));
    const reference = await sharp(large!.file).rotate().resize({ width: 800 }).png().toBuffer();
    // Kept for a look: .run/kind/renditions/.
    mkdirSync(RENDITIONS, { recursive: true });
    writeFileSync(path.join(RENDITIONS, 'watermarked.png'), marked.buf);
    writeFileSync(path.join(RENDITIONS, 'reference.png'), reference);
    const h = Math.round((800 * 3172) / 5640);
    const mean = async (buf: Buffer, left: number, top: number) => {
      // stats() reads its input, not the pipeline: extract into a buffer first.
      const region = await sharp(buf).extract({ left, top, width: 120, height: 60 }).png().toBuffer();
      return (await sharp(region).stats()).channels.map((c) => c.mean);
    };
    const diff = async (left: number, top: number) => {
      const [a, b] = [await mean(marked.buf, left, top), await mean(reference, left, top)];
      return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    };
    expect(await diff(340, Math.round(h / 2) - 30)).toBeLessThan(6);
    expect(await diff(680, h - 60)).toBeGreaterThan(20);
    expect(await diff(0, h - 60)).toBeGreaterThan(10);
    // Every other photo renders too, straight from its stored renditions.
    for (const photo of uploaded.slice(1)) {
      const out = await image(
        await get(signed(signingKey, `/v1/photos/${photo.id}`, { w: '320', fmt: 'webp' })),
      );
      expect(out.meta).toMatchObject({ format: 'webp', width: 320 });
    }
  });

  it('records peak memory of every component against its limit, with no restarts', () => {
    memory.push(...watched.flatMap(([namespace, selector]) => memoryOf(namespace, selector)));
    for (const row of memory) {
      const before = restartsAtStart.get(`${row.pod}/${row.container}`) ?? 0;
      expect(row.restarts - before, `${row.pod} restarted during the suite`).toBe(0);
      if (row.limit !== 'none') expect(row.peakBytes, row.pod).toBeLessThan(quantityBytes(row.limit));
    }
  });

  it('runs media, converter and resizer on jemalloc: the image links it and each container maps it', () => {
    const pods = kubectlJson<{
      items: {
        metadata: { name: string; labels: Record<string, string> };
        spec: { containers: { name: string }[] };
      }[];
    }>('-n', ns, 'get', 'pods', '-l', 'app.kubernetes.io/instance=photos');
    const components = new Set<string>();
    for (const pod of pods.items) {
      const container = pod.spec.containers[0]!.name;
      // PID 1 is node itself (the image's ENTRYPOINT): what it mapped at exec is what serves.
      const maps = kubectl('-n', ns, 'exec', pod.metadata.name, '-c', container, '--', 'cat', '/proc/1/maps');
      expect(maps, `${pod.metadata.name} runs without jemalloc`).toMatch(/libjemalloc\.so\.2/);
      components.add(pod.metadata.labels['app.kubernetes.io/component'] ?? container);
    }
    expect([...components].sort()).toEqual(['converter', 'media', 'resizer']);
  });

  it('autoscales the resizer on real pods: out to 2 under signed cache misses through its Service, back to 1', async () => {
    const interval = 5;
    const windowSeconds = 20;
    const deploy = () =>
      kubectlJson<{ spec: { replicas: number }; status: { readyReplicas?: number } }>(
        '-n',
        ns,
        'get',
        'deploy',
        'photos-resizer',
      );
    /** Notes of the autoscaler's Scaled Events on the platform written since `since` (ms), oldest first. */
    const scaledNotes = (since: number) =>
      kubectlJson<{
        items: { reason?: string; note?: string; eventTime?: string; regarding?: { name?: string } }[];
      }>('-n', ns, 'get', 'events.events.k8s.io')
        .items.map((e) => ({ ...e, at: Date.parse(e.eventTime ?? '') }))
        .filter((e) => e.reason === 'Scaled' && e.regarding?.name === 'photos' && e.at >= since)
        .sort((a, b) => a.at - b.at)
        .map((e) => e.note ?? '');
    const decision = () =>
      kubectlJson<{ status?: { autoscaling?: { resizer?: { decision?: string } } } }>(
        '-n',
        ns,
        'get',
        'imageplatform',
        'photos',
      ).status?.autoscaling?.resizer?.decision ?? '';
    patchPlatform({
      resizer: {
        autoscaling: {
          enabled: true,
          minReplicas: 1,
          maxReplicas: 2,
          targetP95Milliseconds: 50,
          intervalSeconds: interval,
          scaleDown: { stabilizationSeconds: windowSeconds },
        },
      },
    });
    // The sample runs 2 resizers: idle, the autoscaler takes them to its minimum first.
    await eventually(
      () => {
        const d = deploy();
        return d.spec.replicas === 1 && d.status.readyReplicas === 1;
      },
      {
        timeoutMs: (windowSeconds + 6 * interval) * 1000,
        intervalMs: 1000,
        what: 'the resizer at 1 replica',
      },
    );

    // (Enabling autoscaling drops the operator's replicas from its apply, so the Deployment falls back to 1
    // with no Event: the Events below are the autoscaler's.)
    // Six connections of signed misses (a new width and quality each) through the Service, as a browser's would.
    const target = { name: 'photos-resizer', ip: new URL(resizer).hostname, port: 80 };
    const answers = { ok: 0, failed: 0 };
    const load = missLoad(
      () => [target],
      uploaded[0]!.id,
      6,
      (_at, _ms, ok) => (ok ? (answers.ok += 1) : (answers.failed += 1)),
      (pathname, params) => signed(signingKey, pathname, params),
    );
    // Event times come from the operator's clock, which is this machine's.
    const started = Date.now();
    let reaction: number;
    try {
      await eventually(() => deploy().spec.replicas === 2, {
        timeoutMs: 6 * interval * 1000,
        intervalMs: 500,
        what: 'a scale-up to 2',
      });
      reaction = (Date.now() - started) / 1000;
      // The new pod starts on the node and passes its readiness probe under the load.
      await eventually(() => deploy().status.readyReplicas === 2, {
        timeoutMs: 60_000,
        intervalMs: 1000,
        what: 'the second resizer pod Ready',
      });
    } finally {
      await load.stop();
    }
    expect(answers.ok, `answers: ${JSON.stringify(answers)}`).toBeGreaterThan(0);
    const up = await eventually(() => scaledNotes(started).find((n) => /^resizer: .*: 1 → 2/.test(n)), {
      what: 'the scale-up Event',
    });
    expect(up).toMatch(
      /^resizer: (p95 \d+ ms > 50 ms target|queue [\d.]+\/pod > \d+ target|\d+ requests shed)/,
    );
    expect(decision()).toMatch(/1 → 2|holding 2/);

    const stopped = Date.now();
    await eventually(() => deploy().spec.replicas === 1, {
      timeoutMs: (windowSeconds + 6 * interval) * 1000,
      intervalMs: 1000,
      what: 'back to 1 after the stabilization window',
    });
    const down = (Date.now() - stopped) / 1000;
    const notes = await eventually(
      () => {
        const all = scaledNotes(started);
        return all.some((n) => /^resizer: .*: 2 → 1/.test(n)) && all;
      },
      { what: 'the scale-down Event' },
    );
    expect(decision()).toMatch(/2 → 1|holding 1/);
    console.log(
      `resizer autoscaling on kind: 1 → 2 after ${reaction.toFixed(1)} s of load, back to 1 ${down.toFixed(1)} s after it stopped; answers ${JSON.stringify(answers)}; events:\n  ${notes.join('\n  ')}`,
    );
  });

  it('fails over to another operator replica, which reconciles a change', async () => {
    const leader = leaderPod();
    const started = Date.now();
    kubectl('-n', env.RELEASE_NAMESPACE, 'delete', 'pod', leader, '--wait=false');
    // The Lease timing bounds a handover even when the leader dies without
    // releasing it: the lease runs out, then another replica's next retry takes it.
    // 5 s more for kubectl's round trips and the 250 ms polling.
    const { leaseDurationMs, retryPeriodMs } = DEFAULT_LEADER_ELECTION;
    const bound = leaseDurationMs + retryPeriodMs + 5_000;
    // A leader that stops cleanly empties holderIdentity first: wait for a name.
    // Which replica wins is not a promise: a clean stop releases the Lease, and
    // then the survivor and the Deployment's replacement race for it fairly.
    const next = await eventually(
      () => {
        const holder = leaderPod();
        return holder !== '' && holder !== leader && holder;
      },
      { timeoutMs: bound, intervalMs: 250, what: 'another replica to take the Lease' },
    );
    const handover = Date.now() - started;
    console.log(`Lease moved from ${leader} to ${next} in ${handover} ms`);
    expect(handover).toBeLessThan(bound);
    // The holder is a live operator pod: the survivor or the replacement.
    expect(operatorPods()).toContain(next);
    patchPlatform({ media: { replicas: 1 } });
    await eventually(
      () => kubectl('-n', ns, 'get', 'deploy', 'photos-media', '-o', 'jsonpath={.spec.replicas}') === '1',
      { timeoutMs: 60_000, what: 'the new leader to scale media to 1' },
    );
    // The Lease holder is the one that made the change: its own log says so.
    expect(appliedBy(next, 'Deployment photos-media')).toBe(true);
  });

  it('garbage-collects every child when the platform is deleted', async () => {
    kubectl('-n', ns, 'delete', 'imageplatform', 'photos', '--wait=true', '--timeout=60s');
    await eventually(() => children().length === 0, { timeoutMs: 120_000, what: 'children to be collected' });
    const pods = await eventually(
      () =>
        kubectl('-n', ns, 'get', 'pods', '-l', 'app.kubernetes.io/instance=photos', '-o', 'name').trim() ===
        '',
      { timeoutMs: 120_000, what: 'the platform pods to go' },
    );
    expect(pods).toBe(true);
  });
});
