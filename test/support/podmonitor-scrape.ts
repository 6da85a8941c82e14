import type { PodMonitor } from './monitoring-chart.js';

/** A scrape target as Kubernetes service discovery would find it: address, namespace, pod, labels, port name. */
export interface PodTarget {
  address: string;
  namespace: string;
  pod: string;
  labels: Record<string, string>;
  port: string;
}

const metaLabel = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * The scrape job the Prometheus Operator generates from a PodMonitor's first
 * endpoint, with static targets standing in for Kubernetes discovery: keep
 * the pods the selector matches on the named port, label them namespace, pod
 * and job, then the PodMonitor's own relabelings. A selector or relabeling
 * that does not fit the real pods leaves no target, or no label, so the
 * queries of a test that scrapes through it find nothing.
 */
export function scrapeJob(monitor: PodMonitor, targets: PodTarget[]): Record<string, unknown> {
  const endpoint = monitor.spec.podMetricsEndpoints[0]!;
  const { name, namespace } = monitor.metadata;
  return {
    job_name: `podMonitor/${namespace}/${name}/0`,
    honor_labels: endpoint.honorLabels ?? false,
    metrics_path: endpoint.path,
    static_configs: targets.map((t) => ({
      targets: [t.address],
      labels: {
        __meta_kubernetes_namespace: t.namespace,
        __meta_kubernetes_pod_name: t.pod,
        __meta_kubernetes_pod_container_port_name: t.port,
        ...Object.fromEntries(
          Object.entries(t.labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${metaLabel(k)}`, v]),
        ),
      },
    })),
    relabel_configs: [
      ...Object.entries(monitor.spec.selector.matchLabels).map(([k, v]) => ({
        source_labels: [`__meta_kubernetes_pod_label_${metaLabel(k)}`],
        regex: v,
        action: 'keep',
      })),
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: endpoint.port, action: 'keep' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { target_label: 'job', replacement: `${namespace}/${name}` },
      ...(endpoint.relabelings ?? []).map((r) => ({
        ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
        ...(r.targetLabel ? { target_label: r.targetLabel } : {}),
        ...(r.regex ? { regex: r.regex } : {}),
        ...(r.action ? { action: r.action } : {}),
      })),
    ],
  };
}
