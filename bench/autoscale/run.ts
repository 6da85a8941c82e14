/**
 * The resizer's autoscaler under a step load, on the local control plane with
 * real resizer processes standing in for the kwok pods (as the integration
 * test runs them). Records, every second: the load carried, client-observed
 * p95, replicas, and each decision's Event; writes docs/autoscale.svg and a
 * summary with the goals. Usage, after `make deps`:
 *   make bench-autoscale   # = npx tsx bench/autoscale/run.ts [lowSeconds=40] [highSeconds=90] [interval=5]
 */
import { writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { EventsV1Api } from '@kubernetes/client-node';
import { withNamespace } from '../../test/support/cluster.js';
import { Constellation } from '../../test/support/constellation.js';
import { uniqueName } from '../../test/support/env.js';
import { installCrds, kubeClients, kubectl, startOperator } from '../../test/support/kube-operator.js';
import { runKwokPods } from '../../test/support/kwok-pods.js';
import { missLoad } from '../../test/support/miss-load.js';
import { largeProgressivePhoto } from '../../test/support/photos.js';
import { autoscaledResizer, createLiveSecrets, platformsIn } from '../../test/support/platforms.js';
import { buildCli } from '../../test/support/processes.js';
import { eventually } from '../../test/support/wait.js';
import { plot, type Mark, type Second } from './plot.js';

const lowSeconds = Number(process.argv[2] ?? 40);
const highSeconds = Number(process.argv[3] ?? 90);
const interval = Number(process.argv[4] ?? 5);
const TARGET_P95 = 250;
const STABILIZATION = 30;
// The step: one connection (light), then six (a burst a single 2-slot pod cannot carry), then one again.
const phases = [
  { until: lowSeconds, connections: 1 },
  { until: lowSeconds + highSeconds, connections: 6 },
  { until: lowSeconds + highSeconds + STABILIZATION + 4 * interval, connections: 1 },
];

const { kc, core, apps, custom } = kubeClients();
const events = kc.makeApiClient(EventsV1Api);
const ns = uniqueName('bench-scale');
const c = new Constellation();
await Promise.all([c.createBucket(), buildCli()]);
await installCrds();
const dropNamespace = await withNamespace(kc, ns);
await createLiveSecrets(core, ns);
const media = await c.startMedia();
await c.startConverter();
const upload = await c.upload(media, await readFile(await largeProgressivePhoto()), {
  'x-photographer': 'Ann',
});
const photoId = ((await upload.json()) as { id: string }).id;
await c.settled(media, photoId, 120_000);
const operator = startOperator(ns, 'op-bench');
await operator.port;
await platformsIn(custom, ns).create(
  autoscaledResizer(
    'bench',
    { bucket: c.bucket, queueName: c.queueName },
    {
      targetP95Milliseconds: TARGET_P95,
      targetQueueDepth: 4,
      intervalSeconds: interval,
      scaleDown: { stabilizationSeconds: STABILIZATION },
    },
  ),
);
const pods = runKwokPods(apps, core, ns, 'bench-resizer', 'RESIZER_HOST');
const replicas = async () =>
  (await apps.readNamespacedDeployment({ namespace: ns, name: 'bench-resizer' })).spec?.replicas ?? 0;
await eventually(async () => (await replicas()) === 1 && pods.pods().length === 1, {
  what: 'one live resizer pod',
});

const answers: Array<{ at: number; ms: number }> = [];
const seconds: Second[] = [];
const start = Date.now();
let load = missLoad(pods.pods, photoId, 1, (at, ms, ok) => ok && answers.push({ at, ms }));
let connections = 1;
for (let s = 1; s <= phases.at(-1)!.until; s += 1) {
  const phase = phases.find((p) => s <= p.until)!;
  if (phase.connections !== connections) {
    await load.stop();
    connections = phase.connections;
    load = missLoad(pods.pods, photoId, connections, (at, ms, ok) => ok && answers.push({ at, ms }));
  }
  await new Promise((r) => setTimeout(r, start + s * 1000 - Date.now()));
  // What a platform team sees right after the burst's scale-up: kept for the README.
  if (s === lowSeconds + highSeconds)
    await writeFile('.run/autoscale-describe.txt', kubectl('describe', 'imgp', 'bench', '-n', ns));
  const window = answers
    .filter((a) => a.at > start + (s - 1) * 1000 && a.at <= start + s * 1000)
    .map((a) => a.ms)
    .sort((a, b) => a - b);
  seconds.push({
    t: s,
    rps: window.length,
    p95: window.length ? window[Math.min(window.length - 1, Math.ceil(window.length * 0.95) - 1)] : undefined,
    replicas: await replicas(),
    connections,
  });
}
await load.stop();
const marks: Mark[] = (await events.listNamespacedEvent({ namespace: ns })).items
  .filter((e) => e.reason === 'Scaled')
  .map((e) => ({ t: (new Date(e.eventTime ?? 0).getTime() - start) / 1000, note: e.note ?? '' }))
  .sort((a, b) => a.t - b.t);
await writeFile('docs/autoscale.svg', plot(seconds, marks, TARGET_P95));
await writeFile('.run/autoscale.json', JSON.stringify({ seconds, marks }, null, 1));

// The goals: breach → scale within 2 intervals; ≤ 2 changes in any 5 minutes of steady load; p95 back within 3 intervals of the new pods.
const stepAt = lowSeconds;
const firstBreach = seconds.find((s) => s.t > stepAt && (s.p95 ?? 0) > TARGET_P95)?.t;
const firstUp = marks.find((m) => m.t > stepAt)?.t;
const steady = marks.filter((m) => m.t > stepAt + 3 * interval && m.t <= stepAt + highSeconds);
const lastUp = marks.filter((m) => m.t <= stepAt + highSeconds).at(-1)?.t;
const recovered =
  lastUp === undefined
    ? undefined
    : seconds.find((s) => s.t > lastUp && s.connections > 1 && (s.p95 ?? 0) <= TARGET_P95)?.t;
const summary = {
  interval,
  targetP95: TARGET_P95,
  stepAt,
  firstBreach,
  firstScaleUp: firstUp,
  breachToScaleSeconds:
    firstBreach !== undefined && firstUp !== undefined ? +(firstUp - firstBreach).toFixed(1) : undefined,
  changesDuringSteadyHighLoad: steady.length,
  p95BackUnderTargetSecondsAfterLastScaleUp:
    recovered !== undefined && lastUp !== undefined ? +(recovered - lastUp).toFixed(1) : undefined,
  maxReplicas: Math.max(...seconds.map((s) => s.replicas)),
  rpsLow: +(seconds.filter((s) => s.t <= stepAt).reduce((a, s) => a + s.rps, 0) / stepAt).toFixed(1),
  rpsHighLast20s: +(
    seconds
      .filter((s) => s.t > stepAt + highSeconds - 20 && s.t <= stepAt + highSeconds)
      .reduce((a, s) => a + s.rps, 0) / 20
  ).toFixed(1),
  decisions: marks.map((m) => `${m.t.toFixed(1)} s ${m.note}`),
};
console.log(JSON.stringify(summary, null, 2));
await pods.stop();
await operator.stop();
await dropNamespace();
await c.dispose();
process.exit(0);
