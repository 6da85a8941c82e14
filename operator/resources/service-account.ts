import type { V1ServiceAccount } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childMeta, serviceAccountName } from '../api/names.js';

/** A ServiceAccount whose metadata is always present, as the builders return it. */
export type DesiredServiceAccount = V1ServiceAccount & { metadata: { name: string; namespace: string } };

/**
 * The platform's ServiceAccount when it asks the operator to create one, with
 * the user's annotations (the cloud role it maps to) and labels; undefined
 * when the platform names an existing one or uses the namespace's default.
 */
export function buildServiceAccount(cr: ImagePlatform): DesiredServiceAccount | undefined {
  const { create, annotations, labels, automountServiceAccountToken } = cr.spec.serviceAccount;
  const name = serviceAccountName(cr);
  if (!create || !name) return undefined;
  const meta = childMeta(cr, name);
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      ...meta,
      labels: { ...labels, ...meta.labels },
      ...(annotations ? { annotations } : {}),
    },
    automountServiceAccountToken,
  };
}
