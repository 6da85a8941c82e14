import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A rendered object of the chart, as far as these tests read it. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** A PodMonitor's endpoint, the fields of it that change what Prometheus scrapes and how it labels it. */
export interface PodMetricsEndpoint {
  port: string;
  path: string;
  interval?: string;
  honorLabels?: boolean;
  relabelings?: Array<{ sourceLabels?: string[]; targetLabel?: string; action?: string; regex?: string }>;
}

export interface PodMonitor extends RenderedObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { any?: boolean; matchNames?: string[] };
    podMetricsEndpoints: PodMetricsEndpoint[];
  };
}

export interface RuleGroup {
  name: string;
  rules: Array<{ alert: string; expr: string; for?: string; labels?: Record<string, string> }>;
}

export interface DashboardTarget {
  expr: string;
  legendFormat?: string;
  refId: string;
}

export interface Dashboard {
  templating: { list: Array<{ name: string; type: string; query: string | { query: string } }> };
  panels: Array<{ type: string; title: string; targets?: DashboardTarget[] }>;
}

/** What the chart renders with every monitoring value on. */
export interface MonitoringObjects {
  objects: RenderedObject[];
  podMonitors: PodMonitor[];
  ruleGroups: RuleGroup[];
  dashboard: Dashboard;
}

/** `helm template` of charts/enlarger with `set` values, as parsed objects. */
export function renderChart(
  helm: string,
  { release = 'enlarger', namespace = 'enlarger-system', set = [] as string[] } = {},
): RenderedObject[] {
  const text = execFileSync(
    helm,
    ['template', release, 'charts/enlarger', '--namespace', namespace, ...set.flatMap((v) => ['--set', v])],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  return parseAllDocuments(text)
    .map((d) => d.toJS() as RenderedObject | null)
    .filter((o): o is RenderedObject => o !== null);
}

/**
 * The chart rendered with every monitoring value on (plus `set`): the
 * PodMonitors, the PrometheusRule's groups and the dashboard, exactly as a
 * cluster would get them, so the tests check what ships.
 */
export function renderMonitoring(
  helm: string,
  { release = 'enlarger', namespace = 'enlarger-system', set = [] as string[] } = {},
): MonitoringObjects {
  const objects = renderChart(helm, {
    release,
    namespace,
    set: [
      'monitoring.operatorPodMonitor.enabled=true',
      'monitoring.platformPodMonitor.enabled=true',
      'monitoring.prometheusRule.enabled=true',
      'monitoring.dashboard.enabled=true',
      ...set,
    ],
  });
  const rule = objects.find((o) => o.kind === 'PrometheusRule');
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-dashboard'));
  const json = Object.values(configMap?.data ?? {})[0];
  if (!rule || json === undefined) throw new Error('the chart rendered no PrometheusRule or dashboard');
  return {
    objects,
    podMonitors: objects.filter((o): o is PodMonitor => o.kind === 'PodMonitor'),
    ruleGroups: (rule.spec as { groups: RuleGroup[] }).groups,
    dashboard: JSON.parse(json) as Dashboard,
  };
}

/** Every panel query of the dashboard, titled, with Grafana's variables replaced by `vars`. */
export function panelQueries(
  dashboard: Dashboard,
  vars: Record<string, string>,
): Array<{ what: string; expr: string }> {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      what: `panel "${panel.title}" ${t.refId}`,
      expr: substitute(t.expr, vars),
    })),
  );
}

/** `$name` and `${name}` replaced by `vars[name]`; an unknown variable throws, so none slips through. */
export function substitute(expr: string, vars: Record<string, string>): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`no value for $${name} in ${expr}`);
    return value;
  });
}

/**
 * The expression with `bool` after every comparison, so it returns its 0/1
 * series whether or not the alert's condition holds now: a quiet system still
 * proves that each selector matches what the services really export.
 * Comparisons inside label matchers (`{status!="503"}`) and strings are left alone.
 */
export function withBool(expr: string): string {
  let out = '';
  let braces = 0;
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    out += c;
    if (quote) {
      if (c === '\\') out += expr[++i] ?? '';
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') braces++;
    else if (c === '}') braces--;
    else if (braces === 0 && /[<>=!]/.test(c)) {
      const two = expr.slice(i, i + 2);
      if (['>=', '<=', '==', '!='].includes(two)) out += expr[++i];
      else if (c === '=' || c === '!') continue; // not a comparison on its own
      out += ' bool';
    }
  }
  return out;
}
