/**
 * Kubernetes strategic merge, the subset the override hatch needs. npm has
 * no maintained implementation (apimachinery's `strategicpatch` is Go), so
 * this follows its rules for the fields of a Deployment and a Service:
 *
 * - objects merge key by key; `null` removes a key;
 * - a list with a patch merge key (containers by `name`, ports by
 *   `containerPort`, ...) merges item by item on that key, new items
 *   appended; an item with `$patch: delete` removes its match;
 * - every other list, and any object carrying `$patch: replace`, is replaced
 *   whole, as the Kubernetes API declares for it (`tolerations`, `args`, ...).
 */

/** Patch merge keys by field name, as `patchMergeKey` in the Kubernetes API types. */
export type MergeKeys = Readonly<Record<string, string>>;

/** The merge keys of the lists in a Deployment (`k8s.io/api` apps/v1 and core/v1 Pod types). */
export const DEPLOYMENT_MERGE_KEYS: MergeKeys = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  // In a Pod only containers have `ports`.
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  schedulingGates: 'name',
};

/** The merge keys of the lists in a Service. */
export const SERVICE_MERGE_KEYS: MergeKeys = { ports: 'port' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `target` with `patch` merged in; neither is modified. */
export function strategicMerge<T>(target: T, patch: unknown, keys: MergeKeys): T {
  return mergeValue(target, patch, keys, undefined) as T;
}

function mergeValue(target: unknown, patch: unknown, keys: MergeKeys, field: string | undefined): unknown {
  if (Array.isArray(patch)) {
    const key = field === undefined ? undefined : keys[field];
    return key && Array.isArray(target) ? mergeList(target, patch, keys, key) : patch.map(withoutDirectives);
  }
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace' || !isObject(target)) return withoutDirectives(patch);
  const out: Json = { ...target };
  for (const [name, value] of Object.entries(patch)) {
    if (name.startsWith('$')) continue;
    if (value === null) delete out[name];
    else out[name] = mergeValue(out[name], value, keys, name);
  }
  return out;
}

function mergeList(target: unknown[], patch: unknown[], keys: MergeKeys, key: string): unknown[] {
  const out = [...target];
  for (const item of patch) {
    const index = isObject(item) ? out.findIndex((t) => isObject(t) && t[key] === item[key]) : -1;
    if (isObject(item) && item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = mergeValue(out[index], item, keys, undefined);
    } else {
      out.push(withoutDirectives(item));
    }
  }
  return out;
}

/** A patch value as it lands when nothing is under it: directives and null removals dropped. */
function withoutDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDirectives);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name, v]) => !name.startsWith('$') && v !== null)
      .map(([name, v]) => [name, withoutDirectives(v)]),
  );
}
