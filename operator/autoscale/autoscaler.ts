import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log/logger.js';
import { CONVERTER_TASKS_IN_FLIGHT } from '../../services/converter/metrics.js';
import { components, type ComponentRow } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childName, selectorLabels, type Component } from '../api/names.js';
import type { AutoscalingTargetStatus } from '../api/status.js';
import type { ConverterAutoscaling, ResizerAutoscaling } from '../api/spec.js';
import { rfc3339Seconds } from '../status/conditions.js';
import { brokerAccess } from './broker-access.js';
import { decideConverter } from './decide-converter.js';
import {
  decideResizer,
  type MetricReading,
  type ScaleDecision,
  type ScaleHistory,
} from './decide-resizer.js';
import type { AutoscalerMetrics } from './metrics.js';
import { scrapePods, total, type ScrapeTarget } from './pod-metrics.js';
import type { Backlog, BrokerTls } from './queue-backlog.js';
import { decideInWindow } from './replica-math.js';
import { resizerPodSample, resizerSignals, type ResizerPodSample } from './resizer-signals.js';
import { targetStatus } from './target-status.js';

/** What the autoscaler reads and writes in the cluster; the operator implements it on client-node. */
export interface AutoscalerCluster {
  pods(namespace: string, selector: Record<string, string>): Promise<ScrapeTarget[]>;
  /** `spec.replicas` of a Deployment, from the informer cache; undefined before it exists. */
  replicas(namespace: string, deployment: string): number | undefined;
  /** Writes `spec.replicas` through the `scale` subresource, as the autoscaler's field manager. */
  scale(namespace: string, deployment: string, replicas: number): Promise<void>;
  applyAutoscalingStatus(
    cr: ImagePlatform,
    status: Partial<Record<Component, AutoscalingTargetStatus>>,
  ): Promise<void>;
  recordEvent(
    cr: ImagePlatform,
    event: { type: 'Normal' | 'Warning'; reason: string; action: string; note: string },
  ): Promise<void>;
  secretValue(namespace: string, name: string, key: string): Promise<string | undefined>;
}

/** Reads a queue's backlog; {@link QueueBacklogReader} over AMQP in the operator. */
export interface BacklogSource {
  read(platform: string, url: string, queue: string, tls?: BrokerTls): Promise<Backlog>;
  forget(platform: string): Promise<void>;
}

interface TargetState extends ScaleHistory {
  /** The labels of this component's series on the operator's /metrics. */
  labels: { platform: string; namespace: string; component: Component };
  /** Metric names whose series were last set, so that a reading gone missing is removed, not left stale. */
  reported: Set<MetricReading['name']>;
  nextDue: number;
  running: boolean;
  previous: Map<string, ResizerPodSample>;
  idleSince: number | undefined;
  lastScaleTime: string | undefined;
  status: AutoscalingTargetStatus | undefined;
}

const SCRAPE_TIMEOUT_MS = 2000;

/**
 * Scales the resizer on its pods' p95, queue and shedding and the converter on
 * its queue backlog, each on its own interval. Only the lease holder runs it.
 * It keeps per-component history in memory; after a restart that history is
 * empty, so the first stabilization window allows no scale-down.
 */
export class Autoscaler {
  private readonly state = new Map<string, TargetState>();

  constructor(
    private readonly cluster: AutoscalerCluster,
    private readonly backlog: BacklogSource,
    private readonly metrics: AutoscalerMetrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs every component that is due; call it about once a second with the platforms in the cache. */
  async tick(platforms: ImagePlatform[]): Promise<void> {
    const seen = new Set<string>();
    const work: Array<Promise<void>> = [];
    for (const cr of platforms) {
      if (cr.spec.paused) continue;
      // The table says what scales on what; a row without a signal is left to the reconciler.
      for (const row of components(cr)) {
        if (row.scaling.signal === 'none') continue;
        const { name } = row;
        const key = `${cr.metadata.uid}/${name}`;
        seen.add(key);
        const state = this.stateOf(key, {
          platform: cr.metadata.name,
          namespace: cr.metadata.namespace,
          component: name,
        });
        if (state.running || this.now() < state.nextDue) continue;
        state.running = true;
        state.nextDue = this.now() + row.scaling.autoscaling.intervalSeconds * 1000;
        work.push(
          this.step(cr, row, state)
            .catch((err: unknown) =>
              this.log.warn(
                { platform: cr.metadata.name, component: name, error: messageOf(err) },
                'autoscaler step failed',
              ),
            )
            .finally(() => (state.running = false)),
        );
      }
    }
    await Promise.all(work);
    await this.prune(seen);
  }

  private stateOf(key: string, labels: TargetState['labels']): TargetState {
    let state = this.state.get(key);
    if (!state) {
      const now = this.now();
      state = {
        labels,
        reported: new Set(),
        since: now,
        nextDue: now,
        running: false,
        recommendations: [],
        scaleUps: [],
        previous: new Map(),
        idleSince: undefined,
        lastScaleTime: undefined,
        status: undefined,
      };
      this.state.set(key, state);
    }
    return state;
  }

  private async step(cr: ImagePlatform, row: ComponentRow, state: TargetState): Promise<void> {
    const { namespace } = cr.metadata;
    const deployment = childName(cr, row.name);
    const current = this.cluster.replicas(namespace, deployment);
    if (current === undefined) return;
    const now = this.now();
    const { scaling } = row;
    if (scaling.signal === 'none') return;
    const decision =
      scaling.signal === 'http'
        ? await this.decideResizer(cr, row, scaling.autoscaling, state, current, now)
        : await this.decideConverter(cr, row, scaling.autoscaling, state, current, now);

    this.report(state, decision);

    let scaleError: string | undefined;
    if (decision.desired !== current) {
      try {
        await this.cluster.scale(namespace, deployment, decision.desired);
      } catch (err) {
        scaleError = messageOf(err);
      }
      if (scaleError === undefined) await this.scaled(cr, row.name, state, current, decision, now);
      else if (state.status?.conditions.find((c) => c.type === 'AbleToScale')?.status !== 'False')
        await this.failedToScale(cr, row.name, decision.desired, scaleError);
    }
    const status = targetStatus(
      state.status,
      current,
      decision,
      state.lastScaleTime,
      cr.metadata.generation,
      new Date(now),
      scaleError,
    );
    state.status = status;
    await this.cluster.applyAutoscalingStatus(cr, { [row.name]: status });
  }

  /** Sets this decision's series; readings it lacks (no renders, broker down) are removed rather than left at their last value. */
  private report(state: TargetState, decision: ScaleDecision): void {
    this.metrics.desired.set(state.labels, decision.desired);
    const names = new Set(decision.metrics.map((m) => m.name));
    for (const metric of state.reported) if (!names.has(metric)) this.removeReading(state, metric);
    for (const m of decision.metrics) {
      this.metrics.value.set({ ...state.labels, metric: m.name }, m.current);
      this.metrics.target.set({ ...state.labels, metric: m.name }, m.target);
    }
    state.reported = names;
  }

  private removeReading(state: TargetState, metric: MetricReading['name']): void {
    this.metrics.value.remove({ ...state.labels, metric });
    this.metrics.target.remove({ ...state.labels, metric });
  }

  private async scaled(
    cr: ImagePlatform,
    name: Component,
    state: TargetState,
    current: number,
    decision: ScaleDecision,
    now: number,
  ): Promise<void> {
    if (decision.desired > current) state.scaleUps.push({ at: now, from: current });
    state.lastScaleTime = rfc3339Seconds(new Date(now));
    const { namespace } = cr.metadata;
    this.log.info(
      { platform: cr.metadata.name, namespace, component: name, from: current, to: decision.desired },
      decision.message,
    );
    await this.cluster.recordEvent(cr, {
      type: 'Normal',
      reason: 'Scaled',
      action: 'Scale',
      note: `${name}: ${decision.message}`,
    });
  }

  /** HPA's FailedRescale, as a Warning Event when scaling starts failing; status says it on every interval. */
  private async failedToScale(cr: ImagePlatform, name: Component, desired: number, error: string) {
    const { namespace } = cr.metadata;
    this.log.warn({ platform: cr.metadata.name, namespace, component: name, desired, error }, 'scale failed');
    await this.cluster.recordEvent(cr, {
      type: 'Warning',
      reason: 'FailedRescale',
      action: 'Scale',
      note: `${name}: cannot scale to ${desired}: ${error}`,
    });
  }

  private async decideResizer(
    cr: ImagePlatform,
    row: ComponentRow,
    spec: ResizerAutoscaling,
    state: TargetState,
    current: number,
    now: number,
  ): Promise<ScaleDecision> {
    const pods = await this.cluster.pods(cr.metadata.namespace, selectorLabels(cr, row.name));
    const { samples, failed } = await scrapePods(pods, row.ports.admin, SCRAPE_TIMEOUT_MS);
    if (failed.length > 0) this.metrics.scrapeFailures.inc(state.labels, failed.length);
    const latest = new Map([...samples].map(([pod, s]) => [pod, resizerPodSample(s)]));
    const signals = resizerSignals(current, latest, state.previous);
    state.previous = latest;
    state.scaleUps = state.scaleUps.filter((s) => s.at >= now - spec.scaleUp.periodSeconds * 1000);
    return decideInWindow(state, spec.scaleDown.stabilizationSeconds, now, () =>
      decideResizer(signals, spec, state, now),
    );
  }

  private async decideConverter(
    cr: ImagePlatform,
    row: ComponentRow,
    spec: ConverterAutoscaling,
    state: TargetState,
    current: number,
    now: number,
  ): Promise<ScaleDecision> {
    const { namespace, name } = cr.metadata;
    let backlog: number | undefined;
    try {
      const access = await brokerAccess(namespace, row, (ns, secret, key) =>
        this.cluster.secretValue(ns, secret, key),
      );
      if (access) {
        backlog = (await this.backlog.read(cr.metadata.uid, access.url, access.queue, access.tls)).messages;
      }
    } catch (err) {
      this.metrics.scrapeFailures.inc(state.labels);
      this.log.debug({ platform: name, error: messageOf(err) }, 'cannot read the queue backlog');
    }
    const pods = await this.cluster.pods(namespace, selectorLabels(cr, row.name));
    const { samples, failed } = await scrapePods(pods, row.ports.admin, SCRAPE_TIMEOUT_MS);
    if (failed.length > 0) this.metrics.scrapeFailures.inc(state.labels, failed.length);
    // Unready pods may be starting or finishing a task: only a fully answered scrape proves nothing is in flight.
    const complete = failed.length === 0 && pods.every((p) => p.ready);
    const inFlight = complete
      ? [...samples.values()].reduce((sum, s) => sum + total(s, CONVERTER_TASKS_IN_FLIGHT), 0)
      : undefined;
    const idle = backlog === 0 && inFlight === 0;
    if (!idle) state.idleSince = undefined;
    else state.idleSince ??= now;
    return decideInWindow(state, spec.cooldownSeconds, now, () =>
      decideConverter({ current, backlog, inFlight }, spec, state.idleSince, state, now),
    );
  }

  private async prune(seen: Set<string>): Promise<void> {
    for (const key of [...this.state.keys()]) {
      if (seen.has(key)) continue;
      // A deleted platform, or a component no longer autoscaled: its series go with it.
      const state = this.state.get(key)!;
      for (const metric of state.reported) this.removeReading(state, metric);
      this.metrics.desired.remove(state.labels);
      this.metrics.scrapeFailures.remove(state.labels);
      this.state.delete(key);
      if (key.endsWith('/converter'))
        await this.backlog.forget(key.slice(0, -'/converter'.length)).catch(() => undefined);
    }
  }
}
