import type { V1ResourceRequirements } from '@kubernetes/client-node';
// The client's own quantity parser (`512Mi`, `1G`, `1e9`); the package has no exports map, and its index omits util.
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';
import type { ResourceRequirements } from '../spec.js';

// The CRD accepts `cpu: 2` as well as `cpu: "2"`; the Pod API types quantities as strings.
export function quantitiesAsStrings({ requests, limits }: ResourceRequirements): V1ResourceRequirements {
  const strings = (q: Record<string, string | number>) =>
    Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)]));
  return {
    ...(requests ? { requests: strings(requests) } : {}),
    ...(limits ? { limits: strings(limits) } : {}),
  };
}

/** The memory limit in bytes, or undefined when the platform sets none. */
export function memoryLimitBytes({ limits }: ResourceRequirements): number | undefined {
  const limit = limits?.memory;
  if (limit === undefined) return undefined;
  return Number(quantityToScalar(String(limit)));
}
