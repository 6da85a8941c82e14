import type { ImagePlatform } from '../imageplatform.js';
import { components } from './index.js';

/** One Secret the platform's pods read: the spec field that names it, its name, and the keys read. */
export interface SecretReference {
  field: string;
  name: string;
  keys: string[];
}

/**
 * Every Secret the platform's pods read, taken from the rows' Secret-backed
 * env vars and nowhere else: a variable added to a row is checked for
 * existence and enters the config checksum without an edit here. One
 * reference per spec field and Secret, keys in the order the rows read them.
 */
export function secretReferences(cr: ImagePlatform): SecretReference[] {
  const refs = new Map<string, SecretReference>();
  for (const { field, secret, key } of components(cr).flatMap((row) => row.secretEnv)) {
    const id = JSON.stringify([field, secret]);
    let ref = refs.get(id);
    if (!ref) refs.set(id, (ref = { field, name: secret, keys: [] }));
    if (!ref.keys.includes(key)) ref.keys.push(key);
  }
  return [...refs.values()];
}
