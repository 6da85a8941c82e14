import type { KubernetesObject } from '@kubernetes/client-node';
// The client's typed serializer: what it does not know, it drops before the request is sent.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';

/**
 * Paths in `obj` that the Kubernetes API types do not have, such as a
 * misspelt field in an override. The operator sends every child through
 * @kubernetes/client-node's typed serializer, which drops such fields
 * silently; the apiserver would never see them to reject them. So an
 * override is checked here first, against the same models (Kubernetes 1.34).
 */
export function unknownFields(obj: KubernetesObject & { apiVersion: string; kind: string }): string[] {
  // The model's name, as client-node derives it: apps/v1 Deployment → V1Deployment.
  const version = obj.apiVersion.split('/').at(-1) ?? '';
  const type = `${version.charAt(0).toUpperCase()}${version.slice(1)}${obj.kind}`;
  const sent: unknown = ObjectSerializer.serialize(obj, type);
  const out: string[] = [];
  walk(obj, sent, '', out);
  return out;
}

function walk(given: unknown, sent: unknown, path: string, out: string[]): void {
  if (Array.isArray(given)) {
    given.forEach((item, i) => walk(item, Array.isArray(sent) ? sent[i] : undefined, `${path}[${i}]`, out));
    return;
  }
  if (given === null || typeof given !== 'object') return;
  const kept = (sent ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    const at = path ? `${path}.${key}` : key;
    if (value === undefined) continue;
    if (!(key in kept)) out.push(at);
    else walk(value, kept[key], at, out);
  }
}
