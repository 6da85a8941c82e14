/**
 * The operator on the local control plane (kwok readies the pods):
 *
 * 1. latency: ImagePlatforms applied one at a time, each timed from the
 *    create request to the moment a watch has seen all six children
 *    (goal < 1 s), then left to become Ready before the next;
 * 2. scale: 100 ImagePlatforms applied at once (10 requests in flight), timed
 *    until all report Ready, with the operator's RSS idle, at peak and steady.
 *
 * The operator runs as the image runs it (`enlarger operator` from dist/), one
 * fresh process and namespace per phase. Usage, after `make deps`:
 *   make bench-operator      # = make build; npx tsx bench/operator/run.ts [latencyCount=20] [scaleCount=100]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { withNamespace } from '../../test/support/cluster.js';
import { ascending, percentile } from '../../test/support/stats.js';
import { uniqueName } from '../../test/support/env.js';
import {
  installCrds,
  kubeClients,
  startOperator,
  type OperatorProcess,
} from '../../test/support/kube-operator.js';
import {
  condition,
  createSecrets,
  minimal,
  platformsIn,
  type Platform,
} from '../../test/support/platforms.js';
import { eventually } from '../../test/support/wait.js';
import { ChildArrivals } from './child-arrivals.js';
import { makeRoomForPods } from './node-capacity.js';
import { peakRssMB, rssMB } from './rss.js';

const latencyCount = Number(process.argv[2] ?? 20);
const scaleCount = Number(process.argv[3] ?? 100);
const { kc, core, custom } = kubeClients();
// One pod per component keeps 100 platforms at 300 pods; replicas do not change the operator's work.
const onePodEach = { media: { replicas: 1 }, converter: { replicas: 1 }, resizer: { replicas: 1 } };
const childNames = (name: string) => [
  `ConfigMap/${name}-config`,
  ...['media', 'converter', 'resizer'].map((c) => `Deployment/${name}-${c}`),
  ...['media', 'resizer'].map((c) => `Service/${name}-${c}`),
];

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const print = (record: object) => process.stdout.write(`${JSON.stringify(record)}\n`);

/** A namespace with the sample's Secrets and an operator watching only it. */
async function phase(prefix: string) {
  const namespace = uniqueName(prefix);
  const drop = await withNamespace(kc, namespace);
  await createSecrets(core, namespace);
  const operator = startOperator(namespace, prefix, { cli: true });
  await operator.waitForLine(/"became leader"/);
  return { namespace, operator, platforms: platformsIn(custom, namespace), drop };
}

async function metrics(operator: OperatorProcess) {
  const text = await (await fetch(`http://127.0.0.1:${await operator.port}/metrics`)).text();
  const value = (prefix: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(prefix))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  const reconciles = value('enlarger_operator_reconcile_total');
  return {
    reconciles,
    meanReconcileMs: round(
      (value('enlarger_operator_reconcile_duration_seconds_sum') / reconciles) * 1000,
      1,
    ),
  };
}

async function latency() {
  const { namespace, operator, platforms, drop } = await phase('bench-op-latency');
  const arrivals = await ChildArrivals.start(kc, namespace);
  const samples: number[] = [];
  try {
    for (let i = 0; i < latencyCount; i++) {
      const name = `lat-${i}`;
      const started = performance.now();
      await platforms.create(minimal(name, onePodEach));
      const allPresent = await arrivals.allOf(childNames(name));
      samples.push(allPresent - started);
      await platforms.waitReady(name, 1);
    }
    print({
      phase: 'latency',
      platforms: latencyCount,
      medianMs: round(percentile(ascending(samples), 50)),
      p95Ms: round(percentile(ascending(samples), 95)),
      maxMs: round(Math.max(...samples)),
      samplesMs: samples.map((s) => round(s)),
      ...(await metrics(operator)),
    });
  } finally {
    arrivals.stop();
    await operator.stop();
    await drop();
  }
}

async function scale() {
  const { namespace, operator, platforms, drop } = await phase('bench-op-scale');
  const pid = operator.child.pid!;
  try {
    await sleep(2_000);
    const idle = rssMB(pid);
    const names = Array.from({ length: scaleCount }, (_, i) => `scale-${i}`);
    const started = performance.now();
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(names.slice(i, i + 10).map((name) => platforms.create(minimal(name, onePodEach))));
    }
    await eventually(
      async () => {
        const list = (await custom.listNamespacedCustomObject({
          group: 'enlarger.dev',
          version: 'v1alpha1',
          plural: 'imageplatforms',
          namespace,
        })) as { items: Platform[] };
        return list.items.filter((p) => condition(p, 'Ready')?.status === 'True').length === scaleCount;
      },
      { what: `${scaleCount} ImagePlatforms Ready`, timeoutMs: 900_000, intervalMs: 500 },
    );
    const allReadySeconds = (performance.now() - started) / 1000;
    // Steady: after the rollout's status churn has died down.
    await sleep(20_000);
    const steady: number[] = [];
    for (let i = 0; i < 10; i++) {
      steady.push(rssMB(pid));
      await sleep(1_000);
    }
    print({
      phase: 'scale',
      platforms: scaleCount,
      allReadySeconds: round(allReadySeconds, 1),
      idleRssMB: round(idle, 1),
      peakRssMB: round(peakRssMB(pid), 1),
      steadyRssMB: round(percentile(ascending(steady), 50), 1),
      ...(await metrics(operator)),
    });
  } finally {
    await operator.stop();
    await drop();
  }
}

await installCrds();
const restoreCapacity = await makeRoomForPods(core, 3 * (latencyCount + scaleCount));
try {
  await latency();
  await scale();
} finally {
  await restoreCapacity();
}
