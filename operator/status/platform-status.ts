import type { V1Deployment, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { components } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { Component } from '../api/names.js';
import type { ImagePlatformStatus } from '../api/status.js';
import { componentStatus, waitingFor } from './components.js';
import { setCondition } from './conditions.js';
import { degradedCondition, type Problem } from './degraded.js';
import { placementStatus } from './placement.js';
import { progressingCondition } from './progressing.js';
import { readyCondition } from './ready.js';
import { signedUrlsCondition } from './signed-urls.js';

/** What the reconciler saw: the live Deployments, and the problem that stopped it, if any. */
export interface Observation {
  deployments: Partial<Record<Component, V1Deployment>>;
  /** The live PodDisruptionBudgets, by component; missing for a component without one. */
  budgets?: Partial<Record<Component, V1PodDisruptionBudget>>;
  /** A user-fixable problem (a missing Secret, an invalid reference): Degraded=True. */
  problem?: Problem;
  paused: boolean;
}

/** The status to write: a pure function of the CR, what was observed, and the clock. */
export function computeStatus(cr: ImagePlatform, seen: Observation, now: Date): ImagePlatformStatus {
  const generation = cr.metadata.generation;
  const rows = components(cr);
  const waiting = waitingFor(rows, seen.deployments);
  const conditions = [
    readyCondition(seen.problem, waiting),
    progressingCondition(seen.paused, waiting),
    degradedCondition(seen.problem),
    signedUrlsCondition(cr),
  ].reduce((acc, update) => setCondition(acc, update, generation, now), cr.status?.conditions ?? []);
  return {
    observedGeneration: generation,
    conditions,
    components: Object.fromEntries(
      rows.map((row) => [row.name, componentStatus(seen.deployments[row.name], row.replicas)]),
    ),
    placement: placementStatus(rows, seen.budgets ?? {}),
  };
}
