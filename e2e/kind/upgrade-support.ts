import { parseImagePlatform } from '../../operator/api/imageplatform.js';
import type { ReferencedSecrets } from '../../operator/resources/checksum.js';
import { desiredChildren } from '../../operator/resources/children.js';
import { DESIRED_HASH_ANNOTATION } from '../../operator/resources/desired-hash.js';
import { kubectlJson } from './support.js';

/** The children kinds an ImagePlatform may own (resources/children.ts). */
const CHILD_KINDS = 'deployments,services,configmaps,serviceaccounts,poddisruptionbudgets,networkpolicies';

interface Meta {
  name: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid: string }[];
  deletionTimestamp?: string;
}
interface Listed {
  kind: string;
  metadata: Meta;
  spec?: { replicas?: number; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { conditions?: { type: string; status: string }[] };
}

/** One live child, as the upgrade test compares it before and after. */
export interface ChildState {
  uid: string;
  hash: string | undefined;
  /** Deployments, budgets and policies: moved by spec changes only, not by status. */
  generation: number | undefined;
  resourceVersion: string;
}

export const childKey = (kind: string, name: string) => `${kind}/${name}`;

/** The children the platform `name` controls, keyed Kind/name. */
export function liveChildren(ns: string, name: string): Map<string, ChildState> {
  const list = kubectlJson<{ items: Listed[] }>('-n', ns, 'get', CHILD_KINDS).items;
  return new Map(
    list
      .filter((o) => o.metadata.ownerReferences?.some((r) => r.kind === 'ImagePlatform' && r.name === name))
      .map((o) => [
        childKey(o.kind, o.metadata.name),
        {
          uid: o.metadata.uid,
          hash: o.metadata.annotations?.[DESIRED_HASH_ANNOTATION],
          generation: o.metadata.generation,
          resourceVersion: o.metadata.resourceVersion,
        },
      ]),
  );
}

/**
 * The desired-hash of every child as this tree's operator renders the live
 * platform: its own builders over the stored object and the namespace's
 * Secrets, so the test knows what the upgrade changes without a list of it.
 */
export function renderedHashes(ns: string, name: string): Map<string, string> {
  const raw = kubectlJson<Parameters<typeof parseImagePlatform>[0]>('-n', ns, 'get', 'imageplatform', name);
  const secrets = kubectlJson<{ items: { metadata: Meta; data?: Record<string, string> }[] }>(
    '-n',
    ns,
    'get',
    'secrets',
  ).items;
  const referenced: ReferencedSecrets = Object.fromEntries(
    secrets.map((s) => [s.metadata.name, { uid: s.metadata.uid, data: s.data ?? {} }]),
  );
  const { podInputs, deployments, independent } = desiredChildren(parseImagePlatform(raw), referenced);
  return new Map(
    [...podInputs, ...deployments, ...independent].map((c) => [
      childKey(c.kind, c.metadata.name),
      c.metadata.annotations?.[DESIRED_HASH_ANNOTATION] ?? '',
    ]),
  );
}

/** A pod of the platform or the operator: its component, whether it is Ready, its restarts. */
export interface PodState {
  uid: string;
  name: string;
  component: string;
  ready: boolean;
  restarts: number;
  templateHash: string | undefined;
}

interface PodItem {
  metadata: Meta;
  status: {
    conditions?: { type: string; status: string }[];
    containerStatuses?: { restartCount: number }[];
  };
}

/** Live (not terminating) pods matching `selector`. */
export function livePods(ns: string, selector: string): PodState[] {
  return kubectlJson<{ items: PodItem[] }>('-n', ns, 'get', 'pods', '-l', selector)
    .items.filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({
      uid: p.metadata.uid,
      name: p.metadata.name,
      component: p.metadata.labels?.['app.kubernetes.io/component'] ?? '',
      ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      restarts: (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
      templateHash: p.metadata.labels?.['pod-template-hash'],
    }));
}

/** The pod-template-hash of every ReplicaSet of Deployment `name`: one per pod template it ever ran. */
export function templateHashes(ns: string, deployment: string): Set<string> {
  const sets = kubectlJson<{ items: Listed[] }>('-n', ns, 'get', 'replicasets').items;
  return new Set(
    sets
      .filter((rs) =>
        rs.metadata.ownerReferences?.some((r) => r.kind === 'Deployment' && r.name === deployment),
      )
      .map((rs) => rs.metadata.labels?.['pod-template-hash'] ?? ''),
  );
}

/**
 * Fewest pods of `replicas` a PodDisruptionBudget lets be Ready: its minAvailable, or
 * replicas less its maxUnavailable (an integer or a percentage, rounded up as the
 * disruption controller does).
 */
export function budgetFloor(
  budget: { minAvailable?: number | string; maxUnavailable?: number | string },
  replicas: number,
): number {
  const count = (v: number | string) =>
    typeof v === 'number' ? v : Math.ceil((Number.parseFloat(v) / 100) * replicas);
  if (budget.minAvailable !== undefined) return count(budget.minAvailable);
  return replicas - count(budget.maxUnavailable ?? 1);
}

/** The PodDisruptionBudgets of the namespace, by name. */
export function budgets(ns: string): Map<string, NonNullable<Listed['spec']>> {
  const list = kubectlJson<{ items: Listed[] }>('-n', ns, 'get', 'poddisruptionbudgets').items;
  return new Map(list.map((b) => [b.metadata.name, b.spec ?? {}]));
}
