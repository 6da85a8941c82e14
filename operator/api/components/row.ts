import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { SHUTDOWN_TIMEOUT_MS } from '../../../lib/lifecycle/drain.js';
import type { Component } from '../names.js';
import type { DisruptionBudget, Override, Placement, ServiceSettings } from '../placement-spec.js';
import type { ConverterAutoscaling, ResizerAutoscaling, SecretKeyRef } from '../spec.js';

/**
 * A container env var read from a key of a user's Secret; the value is never
 * copied. The reference check and the config checksum read these and nothing
 * else, so a variable listed here is checked for existence and rolls the pods
 * when its Secret changes.
 */
export interface SecretEnv {
  name: string;
  secret: string;
  key: string;
  /** The spec field that names the Secret, for the message when it or its key is missing. */
  field: string;
}

/** Variable `name` read from the Secret key that `ref` (the spec's `field`) names, or nothing while it is unset. */
export const secretKeyEnv = (name: string, ref: SecretKeyRef | undefined, field: string): SecretEnv[] =>
  ref ? [{ name, secret: ref.name, key: ref.key, field }] : [];

/** What drives a component's replica count. */
export type Scaling =
  | { signal: 'none' }
  /** Scraped from every ready pod's admin port: p95 latency, queue depth, shedding. */
  | { signal: 'http'; autoscaling: ResizerAutoscaling }
  /** The platform's RabbitMQ queue: messages waiting. */
  | { signal: 'queue-backlog'; autoscaling: ConverterAutoscaling };

/**
 * Everything one component of a platform needs, evaluated for one
 * ImagePlatform: the single description the Deployment, Service, ConfigMap,
 * status and autoscaler all read. Adding a component is adding a row.
 */
export interface ComponentRow {
  name: Component;
  /** Arguments of the one image: `enlarger <component>`. */
  args: string[];
  /** Container ports: the public API (if any) and the admin port of probes and metrics. */
  ports: { public?: number; admin: number };
  /** The Service on port 80 in front of the public port, or undefined for a component without one. */
  service: ServiceSettings | undefined;
  probes: { liveness: string; readiness: string };
  /** Plain settings, typed against the service's own env schema before they get here. */
  env: Record<string, string>;
  secretEnv: SecretEnv[];
  /**
   * Variables for this component's container, read by its runtime (glibc,
   * Node) rather than by its config parser, so they stay out of the shared
   * ConfigMap that every component loads: today glibc's malloc settings
   * (lib/process/malloc.ts), the same on every component.
   */
  processEnv?: Record<string, string>;
  /** The replicas the spec asks for; with autoscaling on, the autoscaler's floor. */
  replicas: number;
  /** The most pods it may run: the replicas, or the autoscaler's ceiling. A disruption budget needs two. */
  maxReplicas: number;
  /** What scales it; anything but `none` means the autoscaler, not the reconciler, owns `spec.replicas`. */
  scaling: Scaling;
  resources: V1ResourceRequirements;
  /** How a pod stops; see {@link httpDrain} and {@link workerDrain}. */
  drain: Drain;
  /** Placement with the platform-wide `spec.pod` defaults and the default spread already applied. */
  placement: Placement;
  podDisruptionBudget: DisruptionBudget;
  /** The user's partial Deployment and Service, merged over what the builders render. */
  override: Override;
}

/** How a pod stops: a pause before SIGTERM, and the kubelet's whole allowance, pause included. */
export interface Drain {
  preStopSeconds: number;
  terminationGracePeriodSeconds: number;
}

/**
 * Seconds a terminating pod keeps serving before it sees SIGTERM. The
 * endpoint is marked not ready the moment the pod is deleted, but kube-proxy
 * on every node, and an ingress controller or cloud load balancer, learn it a
 * little later; until then they still send it requests.
 */
export const ENDPOINT_PROPAGATION_SECONDS = 5;

/** Left between the process's own deadline and the kubelet's SIGKILL: exit, flush logs. */
const SLACK_SECONDS = 5;

/** An HTTP service: routed away from first, then `requestSeconds` for what is in flight. */
export function httpDrain(requestMs: number): Drain {
  const requestSeconds = Math.ceil(requestMs / 1000);
  return {
    preStopSeconds: ENDPOINT_PROPAGATION_SECONDS,
    terminationGracePeriodSeconds: ENDPOINT_PROPAGATION_SECONDS + requestSeconds + SLACK_SECONDS,
  };
}

/**
 * A queue worker: no Service to leave, so no pause. It stops consuming and
 * finishes the tasks in hand within its shutdown timeout; past it the process
 * exits and the broker hands the unacknowledged tasks to another pod.
 */
export function workerDrain(): Drain {
  return { preStopSeconds: 0, terminationGracePeriodSeconds: SHUTDOWN_TIMEOUT_MS / 1000 + SLACK_SECONDS };
}

/** Ports inside every pod: one container per pod, so every component uses the same two. */
export const POD_PORTS = { public: 8080, admin: 9090 } as const;

export const PROBES = { liveness: '/healthz', readiness: '/readyz' } as const;
