import type { V1Secret } from '@kubernetes/client-node';
import { secretReferences, type SecretReference } from '../api/components/secret-references.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ReferencedSecrets, SecretData } from '../resources/checksum.js';
import type { ReconcileContext, UserProblem } from './context.js';

/** Either what is wrong with the references, or the data of every referenced Secret. */
export type ReferenceCheck = { problem: UserProblem } | { secrets: ReferencedSecrets };

function problemWith(cr: ImagePlatform, ref: SecretReference, secret: V1Secret | undefined) {
  if (!secret) {
    return {
      reason: 'SecretNotFound',
      message: `${ref.field}: Secret "${ref.name}" not found in namespace "${cr.metadata.namespace}".`,
    };
  }
  const missing = ref.keys.filter((key) => secret.data?.[key] === undefined);
  if (missing.length === 0) return undefined;
  return {
    reason: 'SecretKeyNotFound',
    message: `${ref.field}: Secret "${ref.name}" has no key ${missing.map((k) => `"${k}"`).join(' or ')}.`,
  };
}

/**
 * Reads every referenced Secret and a named ServiceAccount (at once: each
 * read is a round trip) and checks they exist, with the keys asked for. Pods
 * started without them would never run, so the operator reports the bad
 * reference instead of rolling out a config that cannot start. The data feeds the
 * pod-template checksum, so rotating a Secret rolls the pods that read it.
 */
export async function checkReferences(ctx: ReconcileContext, cr: ImagePlatform): Promise<ReferenceCheck> {
  const refs = secretReferences(cr);
  const [account, secrets] = await Promise.all([
    serviceAccountProblem(ctx, cr),
    Promise.all(refs.map((ref) => ctx.cluster.readSecret(cr.metadata.namespace, ref.name))),
  ]);
  const found: Record<string, SecretData> = {};
  for (const [i, ref] of refs.entries()) {
    const problem = problemWith(cr, ref, secrets[i]);
    if (problem) return { problem };
    found[ref.name] = { uid: secrets[i]?.metadata?.uid ?? '', data: secrets[i]?.data ?? {} };
  }
  if (account) return { problem: account };
  return { secrets: found };
}

/**
 * A ServiceAccount named with `create: false` must exist: pods that name a
 * missing one are refused by the apiserver's admission, so the Deployment
 * would sit with no pods and only its ReplicaSet's events would say why.
 */
async function serviceAccountProblem(
  ctx: ReconcileContext,
  cr: ImagePlatform,
): Promise<UserProblem | undefined> {
  const { name, create } = cr.spec.serviceAccount;
  if (!name || create) return undefined;
  const { namespace } = cr.metadata;
  const account = await ctx.cluster.read({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
  });
  if (account) return undefined;
  return {
    reason: 'ServiceAccountNotFound',
    message: `spec.serviceAccount.name: ServiceAccount "${name}" not found in namespace "${namespace}". Create it, or set spec.serviceAccount.create: true.`,
  };
}
