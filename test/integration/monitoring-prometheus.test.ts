import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetryPolicy } from '../../lib/queue/queue.js';
import { withNamespace } from '../support/cluster.js';
import { Constellation } from '../support/constellation.js';
import { testEnv, uniqueName } from '../support/env.js';
import { installCrds, kubeClients, startOperator, type OperatorProcess } from '../support/kube-operator.js';
import { runKwokPods } from '../support/kwok-pods.js';
import {
  panelQueries,
  renderMonitoring,
  substitute,
  withBool,
  type MonitoringObjects,
} from '../support/monitoring-chart.js';
import { scrapeJob, type PodTarget } from '../support/podmonitor-scrape.js';
import { platformsIn } from '../support/platforms.js';
import { buildCli } from '../support/processes.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.js';
import { eventually } from '../support/wait.js';

const { helm: helmPath, prometheusDir } = { helm: testEnv().HELM, prometheusDir: testEnv().PROMETHEUS_DIR };

// The chart's dashboard and alerts, proven against a real Prometheus scraping
// real processes: the operator, and media, converter and resizer standing in
// for the kwok pods of one ImagePlatform, on the real RabbitMQ and S3 server.
// Every panel query and alert expression comes from `helm template`.
describe.skipIf(!helmPath || !prometheusDir)('monitoring: the chart against a real Prometheus', () => {
  const { kc, core, apps, custom } = kubeClients();
  const ns = uniqueName('imgp-mon');
  const platforms = platformsIn(custom, ns);
  // The pods use the default retry delays, so cleanup deletes those retry queues.
  const c = new Constellation({ QUEUE_RETRY_DELAYS_MS: defaultRetryPolicy.delaysMs.join(',') });
  const stops: Array<() => Promise<void>> = [];
  let operator: OperatorProcess;
  let monitoring: MonitoringObjects;
  let prometheus: PrometheusServer;
  let vars: Record<string, string>;

  const livePods = async (deployment: string) => {
    const d = await apps.readNamespacedDeployment({ namespace: ns, name: deployment });
    const selector = Object.entries(d.spec!.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items.filter(
      (p) => p.status?.phase === 'Running' && p.status.podIP,
    );
  };
  const podTarget = (pod: V1Pod): PodTarget => {
    const port = pod.spec!.containers[0]!.ports!.find((p) => p.name === 'admin')!;
    return {
      address: `${pod.status!.podIP!}:${port.containerPort}`,
      namespace: ns,
      pod: pod.metadata!.name!,
      labels: pod.metadata!.labels ?? {},
      port: port.name!,
    };
  };

  beforeAll(async () => {
    await installCrds();
    await Promise.all([c.createBucket(), buildCli()]);
    const dropNamespace = await withNamespace(kc, ns);
    stops.push(dropNamespace);
    const t = testEnv();
    const secret = (name: string, stringData: Record<string, string>) =>
      core.createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData } });
    await secret('s3', { accessKeyId: t.S3_ACCESS_KEY_ID, secretAccessKey: t.S3_SECRET_ACCESS_KEY });
    await secret('amqp', { url: t.AMQP_URL });

    operator = startOperator(ns, 'op-mon');
    stops.push(async () => void (await operator.stop()));
    const operatorPort = await operator.port;

    // Autoscaling on both (min = max = 1, so the pods stay put) gives the autoscaler's series too.
    await platforms.create({
      apiVersion: 'enlarger.dev/v1alpha1',
      kind: 'ImagePlatform',
      metadata: { name: 'web' },
      spec: {
        storage: {
          bucket: c.bucket,
          endpoint: t.S3_ENDPOINT,
          region: t.S3_REGION,
          forcePathStyle: true,
          credentialsSecretRef: { name: 's3' },
        },
        queue: { urlSecretRef: { name: 'amqp' }, name: c.queueName },
        media: { replicas: 1 },
        converter: { autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 1, intervalSeconds: 2 } },
        resizer: { autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 1, intervalSeconds: 2 } },
      },
    });
    for (const [component, host] of [
      ['media', 'MEDIA_HOST'],
      ['converter', 'CONVERTER_HOST'],
      ['resizer', 'RESIZER_HOST'],
    ] as const) {
      const pods = runKwokPods(apps, core, ns, `web-${component}`, host);
      stops.push(pods.stop);
    }
    const pods = await eventually(
      async () => {
        const found = await Promise.all(['media', 'converter', 'resizer'].map((c) => livePods(`web-${c}`)));
        if (found.some((p) => p.length !== 1)) return undefined;
        const all = found.flat();
        // Each process answers on its pod's admin port.
        const ready = await Promise.all(
          all.map((p) =>
            fetch(`http://${podTarget(p).address}/readyz`).then(
              (r) => r.ok,
              () => false,
            ),
          ),
        );
        return ready.every(Boolean) && all;
      },
      { timeoutMs: 120_000, what: 'one ready process per component' },
    );

    // The chart as a release in this namespace, so the operator alerts' namespace matches the operator's.
    monitoring = renderMonitoring(helmPath!, { release: 'mon', namespace: ns });
    const deployment = monitoring.objects.find((o) => o.kind === 'Deployment') as unknown as V1Deployment;
    const operatorTarget: PodTarget = {
      address: `127.0.0.1:${operatorPort}`,
      namespace: ns,
      pod: 'op-mon',
      labels: deployment.spec!.template.metadata!.labels ?? {},
      port: deployment.spec!.template.spec!.containers[0]!.ports![0]!.name!,
    };
    const monitor = (suffix: string) => monitoring.podMonitors.find((m) => m.metadata.name.endsWith(suffix))!;
    prometheus = await startPrometheus(
      prometheusDir!,
      {
        // The PodMonitors say 15 s and 30 s; a test cannot wait that long for two samples.
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          scrapeJob(monitor('-operator'), [operatorTarget]),
          scrapeJob(monitor('-platforms'), pods.map(podTarget)),
        ],
      },
      { 'enlarger.rules.yaml': { groups: monitoring.ruleGroups } },
    );
    stops.push(() => prometheus.stop());
    vars = { namespace: ns, platform: 'web', __rate_interval: '1m' };

    // A little traffic: a photo converted, a corrupt one dead-lettered, resizer misses and a hit.
    const mediaUrl = `http://${pods[0]!.status!.podIP!}:8080`;
    const resizerUrl = `http://${pods[2]!.status!.podIP!}:8080`;
    const photo = await sharp({
      create: {
        width: 1600,
        height: 1000,
        channels: 3,
        background: { r: 40, g: 120, b: 200 },
        noise: { type: 'gaussian', mean: 128, sigma: 30 },
      },
    })
      .jpeg()
      .toBuffer();
    const upload = async (body: Buffer) => {
      const res = await fetch(`${mediaUrl}/v1/photos`, { method: 'POST', body });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const settled = (id: string) =>
      eventually(
        async () => {
          const s = (await (await fetch(`${mediaUrl}/v1/photos/${id}`)).json()) as { status: string };
          return s.status !== 'processing' && s.status;
        },
        { timeoutMs: 60_000, what: `photo ${id} to leave processing` },
      );
    const good = await upload(photo);
    // Cut short with its end marker put back: media's checks pass, the converter's decode fails for good.
    const corrupt = await upload(
      Buffer.concat([photo.subarray(0, Math.floor(photo.length * 0.6)), Buffer.from([0xff, 0xd9])]),
    );
    expect(await settled(good)).toBe('ready');
    expect(await settled(corrupt)).toBe('failed');
    for (const query of ['w=200', 'w=200', 'w=320&fmt=webp'])
      expect((await fetch(`${resizerUrl}/v1/photos/${good}?${query}`)).status).toBe(200);
  });

  afterAll(async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    await c.dispose();
  });

  /** Polls until the query answers with at least one series; returns the last answer either way. */
  const seriesOf = async (expr: string) => {
    let last: Awaited<ReturnType<PrometheusServer['query']>> | undefined;
    await eventually(
      async () => {
        last = await prometheus.query(expr);
        return last.status === 'success' && (last.data?.result.length ?? 0) > 0;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: expr },
    ).catch(() => undefined);
    return last!;
  };
  /** Every expression that parsed but found no series, or did not parse, with why. */
  const failing = async (queries: Array<{ what: string; expr: string }>) => {
    const out: string[] = [];
    for (const { what, expr } of queries) {
      const r = await seriesOf(expr);
      if (r.status !== 'success') out.push(`${what}: ${r.error}\n  ${expr}`);
      else if (r.data!.result.length === 0) out.push(`${what}: no series\n  ${expr}`);
    }
    return out;
  };

  it('scrapes the operator and every pod through the PodMonitors, with platform and component labels', async () => {
    const up = await eventually(
      async () => {
        const r = await prometheus.query('up == 1');
        return (r.data?.result.length ?? 0) === 4 && r.data!.result;
      },
      { timeoutMs: 30_000, what: 'four targets up' },
    );
    expect(
      up.map((s) => [s.metric.job, s.metric.namespace, s.metric.platform, s.metric.component]).sort(),
    ).toEqual([
      [`${ns}/mon-enlarger-operator`, ns, undefined, undefined],
      [`${ns}/mon-enlarger-platforms`, ns, 'web', 'converter'],
      [`${ns}/mon-enlarger-platforms`, ns, 'web', 'media'],
      [`${ns}/mon-enlarger-platforms`, ns, 'web', 'resizer'],
    ]);
  });

  it("resolves the dashboard's template variables to this platform", async () => {
    for (const variable of monitoring.dashboard.templating.list.filter((v) => v.type === 'query')) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const [, selector, label] = /^label_values\((.+),\s*(\w+)\)$/.exec(query)!;
      const r = await seriesOf(substitute(selector!, vars));
      expect(r.data?.result.map((s) => s.metric[label!])).toContain(vars[variable.name]);
    }
  });

  it('answers every dashboard panel query with series', async () => {
    const queries = panelQueries(monitoring.dashboard, vars);
    expect(queries.length).toBeGreaterThanOrEqual(20);
    expect(await failing(queries)).toEqual([]);
  });

  it('parses every alert expression, and each one finds its series (comparisons made `bool`)', async () => {
    const rules = monitoring.ruleGroups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'EnlargerConverterBacklogGrowingAtMax',
      'EnlargerDeadLetters',
      'EnlargerOperatorLeaseNotRenewed',
      'EnlargerOperatorNoLeader',
      'EnlargerOperatorTwoLeaders',
      'EnlargerPlatformDegraded',
      'EnlargerReconcileErrors',
      'EnlargerResizerLatencyOverTarget',
      'EnlargerResizerShedding',
      'EnlargerUploadsShed',
    ]);
    for (const rule of rules) {
      const r = await prometheus.query(rule.expr);
      expect(r.status, `${rule.alert}: ${r.error}`).toBe('success');
    }
    expect(await failing(rules.map((r) => ({ what: r.alert, expr: withBool(r.expr) })))).toEqual([]);
  });

  it('finds the dead-lettered task, and nothing wrong with the healthy rest', async () => {
    const expr = (alert: string) =>
      monitoring.ruleGroups.flatMap((g) => g.rules).find((r) => r.alert === alert)!.expr;
    const dlq = await seriesOf(expr('EnlargerDeadLetters'));
    expect(dlq.data?.result.map((s) => [s.metric.platform, s.value[1]])).toEqual([['web', '1']]);
    for (const quiet of ['EnlargerPlatformDegraded', 'EnlargerOperatorNoLeader', 'EnlargerResizerShedding'])
      expect((await prometheus.query(expr(quiet))).data?.result, quiet).toEqual([]);
  });

  it('loads every rule into Prometheus, and evaluates each without error', async () => {
    const rules = await eventually(
      async () => {
        const r = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
          data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
        };
        const all = r.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((rule) => rule.health !== 'unknown') && all;
      },
      { timeoutMs: 20_000, what: 'every rule evaluated once' },
    );
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    expect(rules).toHaveLength(monitoring.ruleGroups.flatMap((g) => g.rules).length);
  });
});
