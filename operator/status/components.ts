import type { V1Deployment } from '@kubernetes/client-node';
import type { ComponentRow } from '../api/components/index.js';
import type { Component } from '../api/names.js';
import type { ComponentStatus } from '../api/status.js';

/**
 * Replica counts of one component, read from its Deployment. A missing
 * Deployment counts as nothing ready out of what the spec asks for.
 */
export function componentStatus(deployment: V1Deployment | undefined, specReplicas: number): ComponentStatus {
  const desired = deployment?.spec?.replicas ?? specReplicas;
  const ready = deployment?.status?.readyReplicas ?? 0;
  const updated = deployment?.status?.updatedReplicas ?? 0;
  return { desired, ready, updated, display: `${ready}/${desired}` };
}

/**
 * True when the Deployment runs its current template on every desired pod and
 * no old pod is left, as `kubectl rollout status` decides it.
 */
export function isRolledOut(deployment: V1Deployment | undefined): boolean {
  if (!deployment?.status || !deployment.metadata) return false;
  const { status, spec, metadata } = deployment;
  const desired = spec?.replicas ?? 1;
  return (
    (status.observedGeneration ?? 0) >= (metadata.generation ?? 0) &&
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired
  );
}

/**
 * The components not rolled out yet with their ready pods, "converter 0/1
 * ready, resizer 1/2 ready"; undefined when every one is rolled out.
 */
export function waitingFor(
  rows: readonly ComponentRow[],
  deployments: Partial<Record<Component, V1Deployment>>,
): string | undefined {
  const waiting = rows
    .filter((row) => !isRolledOut(deployments[row.name]))
    .map((row) => `${row.name} ${componentStatus(deployments[row.name], row.replicas).display} ready`);
  return waiting.length > 0 ? waiting.join(', ') : undefined;
}
