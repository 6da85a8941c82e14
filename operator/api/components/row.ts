import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { Component } from '../names.js';
import type { ConverterAutoscaling, ResizerAutoscaling } from '../spec.js';

/** A container env var read from a key of a user's Secret; the value is never copied. */
export interface SecretEnv {
  name: string;
  secret: string;
  key: string;
}

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
  /** Whether a ClusterIP Service on port 80 fronts the public port. */
  service: boolean;
  probes: { liveness: string; readiness: string };
  /** Plain settings, typed against the service's own env schema before they get here. */
  env: Record<string, string>;
  secretEnv: SecretEnv[];
  /**
   * Variables for this component's container alone, read by its runtime
   * (glibc, Node) rather than by its config parser, so they stay out of the
   * shared ConfigMap that every component loads.
   */
  processEnv?: Record<string, string>;
  /** The replicas the spec asks for; with autoscaling on, the autoscaler's floor. */
  replicas: number;
  /** True when the autoscaler, not the reconciler, owns `spec.replicas`. */
  autoscaled: boolean;
  scaling: Scaling;
  resources: V1ResourceRequirements;
  /** How long a pod may take to finish in-flight work after SIGTERM. */
  terminationGracePeriodSeconds: number;
}

/** Ports inside every pod: one container per pod, so every component uses the same two. */
export const POD_PORTS = { public: 8080, admin: 9090 } as const;

export const PROBES = { liveness: '/healthz', readiness: '/readyz' } as const;
