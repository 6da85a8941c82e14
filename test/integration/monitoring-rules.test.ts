import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { testEnv } from '../support/env.js';
import { renderChart, renderMonitoring } from '../support/monitoring-chart.js';
import { promtool } from '../support/prometheus.js';

const PROMTOOL_TESTS = fileURLToPath(new URL('../monitoring/alerts.promtool.yaml', import.meta.url));
const { HELM: helmPath, PROMETHEUS_DIR: prometheusDir } = testEnv();

// The chart's monitoring objects as rendered, and its alerts unit-tested by
// promtool on synthetic series (test/monitoring/alerts.promtool.yaml).
describe.skipIf(!helmPath || !prometheusDir)('monitoring: rendered objects and promtool', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'enlarger-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // What the promtool tests were written against: release enlarger in enlarger-system, default values.
  const rendered = renderMonitoring(helmPath!);
  writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: rendered.ruleGroups }));

  it('renders two PodMonitors, a PrometheusRule and the dashboard ConfigMap, each only when asked', () => {
    const names = rendered.objects
      .filter((o) => ['PodMonitor', 'PrometheusRule', 'ConfigMap'].includes(o.kind))
      .map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(names.sort()).toEqual([
      'monitoring.coreos.com/v1 PodMonitor/enlarger-system/enlarger-operator',
      'monitoring.coreos.com/v1 PodMonitor/enlarger-system/enlarger-platforms',
      'monitoring.coreos.com/v1 PrometheusRule/enlarger-system/enlarger',
      'v1 ConfigMap/enlarger-system/enlarger-dashboard',
    ]);
    // Each value alone renders its object alone; the defaults render none (chart.test.ts lists them).
    for (const [value, kind] of [
      ['operatorPodMonitor', 'PodMonitor/enlarger-operator'],
      ['platformPodMonitor', 'PodMonitor/enlarger-platforms'],
      ['prometheusRule', 'PrometheusRule/enlarger'],
      ['dashboard', 'ConfigMap/enlarger-dashboard'],
    ]) {
      const only = renderChart(helmPath!, { set: [`monitoring.${value}.enabled=true`] })
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .filter((k) => /^(PodMonitor|PrometheusRule|ConfigMap)\//.test(k));
      expect(only).toEqual([kind]);
    }
  });

  it('labels the objects for a Prometheus and the dashboard for the Grafana sidecar, where asked', () => {
    const { objects, podMonitors } = renderMonitoring(helmPath!, {
      set: [
        'monitoring.labels.release=kube-prometheus-stack',
        'monitoring.dashboard.namespace=grafana',
        'monitoring.dashboard.folder=Images',
        'watchNamespace=team-a',
      ],
    });
    for (const o of objects.filter((o) => o.apiVersion.startsWith('monitoring.')))
      expect(o.metadata.labels?.release, o.kind).toBe('kube-prometheus-stack');
    const dashboard = objects.find((o) => o.kind === 'ConfigMap')!;
    expect(dashboard.metadata).toMatchObject({
      namespace: 'grafana',
      labels: { grafana_dashboard: '1' },
      annotations: { grafana_folder: 'Images' },
    });
    // With one watched namespace, the platforms' PodMonitor looks there only.
    expect(podMonitors.find((m) => m.metadata.name.endsWith('-platforms'))?.spec.namespaceSelector).toEqual({
      matchNames: ['team-a'],
    });
  });

  it('ships a dashboard with a platform variable that every panel query filters on', () => {
    const { dashboard } = rendered;
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'namespace', 'platform']);
    const targets = dashboard.panels.flatMap((p) => p.targets ?? []);
    // The operator's own panels are per operator, not per platform.
    const perPlatform = targets.filter((t) => !t.expr.includes('enlarger_operator_'));
    expect(perPlatform.length).toBeGreaterThanOrEqual(18);
    for (const t of perPlatform) expect(t.expr).toContain('namespace=~"$namespace", platform=~"$platform"');
  });

  it('passes promtool check rules', async () => {
    // Counted from the rendered chart, so adding an alert does not mean editing a number here.
    const rules = rendered.ruleGroups.flatMap((g) => g.rules).length;
    expect(rules).toBeGreaterThanOrEqual(10);
    expect(await promtool(prometheusDir!, 'check', 'rules', path.join(dir, 'rules.yaml'))).toMatch(
      new RegExp(`SUCCESS: ${rules} rules found`),
    );
  });

  it('passes promtool test rules, with a firing case for every alert', async () => {
    const tests = parse(readFileSync(PROMTOOL_TESTS, 'utf8')) as {
      tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
    };
    const fired = new Set(
      tests.tests.flatMap((t) =>
        t.alert_rule_test.filter((a) => (a.exp_alerts?.length ?? 0) > 0).map((a) => a.alertname),
      ),
    );
    expect([...fired].sort()).toEqual(rendered.ruleGroups.flatMap((g) => g.rules.map((r) => r.alert)).sort());
    copyFileSync(PROMTOOL_TESTS, path.join(dir, 'alerts.promtool.yaml'));
    expect(await promtool(prometheusDir!, 'test', 'rules', path.join(dir, 'alerts.promtool.yaml'))).toMatch(
      /SUCCESS/,
    );
  });
});
