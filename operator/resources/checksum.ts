import { createHash, createHmac } from 'node:crypto';
import type { ComponentRow } from '../api/components/index.js';

/** Pod-template annotation whose change rolls a Deployment when its config or secrets change. */
export const CONFIG_CHECKSUM_ANNOTATION = 'enlarger.dev/config-checksum';

/** One referenced Secret as read from the API: its uid and its data, base64 as the API returns it. */
export interface SecretData {
  uid: string;
  data: Readonly<Record<string, string>>;
}

/** The Secrets an ImagePlatform references, by name. */
export type ReferencedSecrets = Readonly<Record<string, SecretData | undefined>>;

/**
 * A hash of the settings one component reads and of the Secret values its
 * container references. Per component, so changing a resizer setting does not
 * restart the converter; and only the referenced keys, so rotating an unrelated
 * key of the same Secret restarts nothing. Pods read Secrets into env vars
 * once, at start, so without this a rotated credential would never reach them.
 *
 * Secret values enter only as an HMAC keyed with their Secret's uid: the
 * annotation is readable by anyone who can read Deployments, and a plain hash
 * of a weak key can be brute-forced offline. The uid is known only to those
 * who may read the Secret anyway.
 */
export function configChecksum(row: ComponentRow, secrets: ReferencedSecrets): string {
  const hash = createHash('sha256').update(
    JSON.stringify(
      Object.keys(row.env)
        .sort()
        .map((key) => [key, row.env[key]]),
    ),
  );
  for (const { name, secret, key } of row.secretEnv) {
    const ref = secrets[secret];
    const value = ref?.data[key];
    const keyed =
      ref && value !== undefined ? createHmac('sha256', ref.uid).update(value).digest('hex') : null;
    hash.update(JSON.stringify([name, keyed]));
  }
  return hash.digest('hex');
}
