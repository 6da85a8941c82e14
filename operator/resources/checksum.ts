import { createHash } from 'node:crypto';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { Component } from './meta.js';
import { componentConfig, componentEnv } from './service-env.js';

/** Pod-template annotation whose change rolls a Deployment when its config or secrets change. */
export const CONFIG_CHECKSUM_ANNOTATION = 'enlarger.dev/config-checksum';

/**
 * The data of the Secrets an ImagePlatform references, by Secret name and
 * then key, base64 as the API returns it.
 */
export type ReferencedSecrets = Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;

/**
 * SHA-256 of the settings one component reads and of the Secret values its
 * container references. Per component, so changing a resizer setting does not
 * restart the converter; and only the referenced keys, so rotating an unrelated
 * key of the same Secret restarts nothing. Pods read Secrets into env vars
 * once, at start, so without this a rotated credential would never reach them.
 */
export function configChecksum(cr: ImagePlatform, component: Component, secrets: ReferencedSecrets): string {
  const config = componentConfig(cr, component);
  const hash = createHash('sha256').update(
    JSON.stringify(
      Object.keys(config)
        .sort()
        .map((key) => [key, config[key]]),
    ),
  );
  for (const { name, valueFrom } of componentEnv(cr, component)) {
    const ref = valueFrom?.secretKeyRef;
    if (ref?.name) hash.update(JSON.stringify([name, secrets[ref.name]?.[ref.key] ?? null]));
  }
  return hash.digest('hex');
}
