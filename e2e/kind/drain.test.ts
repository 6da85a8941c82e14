import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missLoad } from '../../test/support/miss-load.js';
import { realPhotosDir } from '../../test/support/photos.js';
import { eventually } from '../../test/support/wait.js';
import { childEnv, kindEnv } from './config.js';
import {
  dropSuiteState,
  examplePlatform,
  kubectl,
  kubectlApply,
  kubectlJson,
  prepareSample,
  signed,
  smallCpu,
  suiteNames,
} from './support.js';

// Issue 19's proof on real pods: a default platform (two resizer replicas, its
// default spread and PodDisruptionBudget) keeps serving while the node holding
// both resizer pods is drained under load, on the lab's three-node, two-zone
// cluster (test/infra/kind/cluster.yaml). Only a user's own one-zone cluster
// (KIND_SOURCE=public) skips it; on the lab, a missing zone fails the test.

const ZONE = 'topology.kubernetes.io/zone';
const INSTANCE = 'app.kubernetes.io/instance=photos';
const RESIZER = `${INSTANCE},app.kubernetes.io/component=resizer`;

interface NodeList {
  items: { metadata: { name: string; labels: Record<string, string> }; spec: { unschedulable?: boolean } }[];
}
interface PodList {
  items: {
    metadata: { name: string; deletionTimestamp?: string };
    spec: { nodeName?: string };
    status: { conditions?: { type: string; status: string }[] };
  }[];
}

const nodes = () => kubectlJson<NodeList>('get', 'nodes').items;
const zones = new Set(
  nodes()
    .map((n) => n.metadata.labels[ZONE])
    .filter(Boolean),
);

if (kindEnv().KIND_SOURCE === 'offline' && zones.size < 2) {
  throw new Error(
    `the kind lab should have two zones; its nodes have ${zones.size} (run make kind-down kind-up)`,
  );
}

describe.skipIf(zones.size < 2)('draining a node under load on a two-zone kind cluster', () => {
  const suite = suiteNames('drain');
  const { ns, bucket, queueName } = suite;
  const signingKey = randomBytes(32).toString('hex');
  const zoneOf = new Map(nodes().map((n) => [n.metadata.name, n.metadata.labels[ZONE]]));
  /** The worker both resizer pods start on, and the one drained. */
  const target = nodes().find(
    (n) => n.metadata.labels[ZONE] === 'zone-a' && !n.metadata.name.endsWith('control-plane'),
  )?.metadata.name;
  let media = '';
  let resizerIp = '';

  const resizerPods = () =>
    kubectlJson<PodList>('-n', ns, 'get', 'pods', '-l', RESIZER).items.filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  const ready = (p: PodList['items'][number]) =>
    p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const others = () =>
    nodes()
      .filter((n) => n.metadata.name !== target)
      .map((n) => n.metadata.name);

  const platform = () => {
    const sample = examplePlatform(suite);
    // Small CPU requests: every pod of the platform starts on one worker (see beforeAll).
    sample.spec.media = { ...sample.spec.media, resources: smallCpu('512Mi') };
    sample.spec.converter = { ...sample.spec.converter, resources: smallCpu('1Gi') };
    sample.spec.resizer = { ...sample.spec.resizer, replicas: 2, resources: smallCpu('1Gi') };
    return JSON.stringify(sample);
  };

  beforeAll(async () => {
    expect(target, 'a zone-a worker').toBeDefined();
    await prepareSample(ns, bucket, signingKey);
    // Both resizer pods on one node, so the drain has to wait on the budget: the other
    // nodes are cordoned while the platform starts, and uncordoned once it is Ready.
    for (const node of others()) kubectl('cordon', node);
    try {
      kubectlApply(ns, platform());
      kubectl('-n', ns, 'wait', '--for=condition=Ready', 'imageplatform/photos', '--timeout=300s');
    } finally {
      for (const node of others()) kubectl('uncordon', node);
    }
    const ip = (svc: string) =>
      kubectl('-n', ns, 'get', 'svc', svc, '-o', 'jsonpath={.spec.clusterIP}').trim();
    media = `http://${ip('photos-media')}`;
    resizerIp = ip('photos-resizer');
    await eventually(
      async () => (await fetch(`${media}/v1/photos/none`).catch(() => undefined)) !== undefined,
      {
        what: 'the media Service to route',
      },
    );
  });

  afterAll(async () => {
    if (target) kubectl('uncordon', target);
    kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
    await dropSuiteState(bucket, queueName);
  });

  it('keeps serving every request and upload while the node holding both resizer pods drains', async () => {
    expect(resizerPods().map((p) => p.spec.nodeName)).toEqual([target, target]);
    const photos = readdirSync(realPhotosDir())
      .filter((n) => /\.jpe?g$/i.test(n))
      .map((n) => path.join(realPhotosDir(), n))
      .sort((a, b) => statSync(a).size - statSync(b).size)
      .slice(0, 3);
    const upload = async (file: string) => {
      const res = await fetch(`${media}/v1/photos`, {
        method: 'POST',
        body: readFileSync(file),
        headers: { 'content-type': 'application/octet-stream' },
      });
      return res.status === 201 ? ((await res.json()) as { id: string }).id : `failed ${res.status}`;
    };
    const first = await upload(photos[0]!);
    await eventually(
      async () =>
        ((await (await fetch(`${media}/v1/photos/${first}`)).json()) as { status: string }).status ===
        'ready',
      { timeoutMs: 120_000, intervalMs: 1000, what: 'the first photo to be ready' },
    );

    // Signed cache misses through the resizer Service, as a CDN sends them; uploads every 3 s through media's.
    let requests = 0;
    const failures: string[] = [];
    /** Failures are timed from the drain's start (negative: before it). */
    let started = Date.now();
    const load = missLoad(
      () => [{ name: 'photos-resizer', ip: resizerIp, port: 80 }],
      first,
      4,
      (at, ms, ok, outcome) => {
        requests += 1;
        if (!ok)
          failures.push(
            `request ${requests} at ${((at - started) / 1000).toFixed(1)} s: ${outcome}, ${ms.toFixed(0)} ms`,
          );
      },
      (pathname, params) => signed(signingKey, pathname, params),
    );
    const uploads: string[] = [];
    const uploader = setInterval(() => {
      void upload(photos[uploads.length % photos.length]!).then((id) => uploads.push(id));
    }, 3000);
    // The budget held if a resizer pod was Ready at every look during the drain.
    let fewestReady = Infinity;
    const watcher = setInterval(() => {
      fewestReady = Math.min(fewestReady, resizerPods().filter(ready).length);
    }, 500);

    started = Date.now();
    const drain = await new Promise<{ code: number | null; output: string }>((resolve) => {
      // Only the platform's pods: the backing RabbitMQ and MinIO may share the node and are not under test.
      const child = spawn(
        'kubectl',
        [
          'drain',
          target!,
          `--pod-selector=${INSTANCE}`,
          '--delete-emptydir-data',
          '--ignore-daemonsets',
          '--timeout=180s',
        ],
        { env: childEnv() },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('close', (code) => resolve({ code, output }));
    });
    const drainSeconds = (Date.now() - started) / 1000;
    clearInterval(watcher);
    clearInterval(uploader);
    await load.stop();

    expect(drain.code, drain.output).toBe(0);
    // The drain had to wait: evicting the second resizer pod violated the budget until a replacement was Ready.
    expect(drain.output).toMatch(/would violate the pod's disruption budget/);
    expect(fewestReady).toBeGreaterThanOrEqual(1);
    expect(failures).toEqual([]);
    expect(uploads.filter((id) => id.startsWith('failed'))).toEqual([]);
    for (const id of uploads) {
      await eventually(
        async () =>
          ((await (await fetch(`${media}/v1/photos/${id}`)).json()) as { status: string }).status === 'ready',
        { timeoutMs: 120_000, intervalMs: 1000, what: `upload ${id} to be ready` },
      );
    }
    // The default spread put the replacements in both zones.
    const after = await eventually(
      () => {
        const pods = resizerPods();
        return pods.length === 2 && pods.every(ready) && pods;
      },
      { timeoutMs: 120_000, what: 'two Ready resizer pods' },
    );
    expect(new Set(after.map((p) => zoneOf.get(p.spec.nodeName ?? '')))).toEqual(
      new Set(['zone-a', 'zone-b']),
    );
    const blocked = drain.output.match(/would violate the pod's disruption budget/g)?.length ?? 0;
    console.log(
      `drain: ${requests} requests, ${failures.length} failed, ${uploads.length} uploads, ` +
        `drained in ${drainSeconds.toFixed(1)} s, ${blocked} evictions refused by the budget`,
    );
  });
});
