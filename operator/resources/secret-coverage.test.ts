import { describe, expect, it } from 'vitest';
import { components, type ComponentRow, type SecretEnv } from '../api/components/index.js';
import { secretReferences } from '../api/components/secret-references.js';
import { samplePlatform } from '../api/fixture.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { toStructuralSchema, type JsonSchema } from '../api/openapi.js';
import { imagePlatformSpec } from '../api/spec.js';
import { configChecksum, type ReferencedSecrets } from './checksum.js';

/**
 * Platforms that between them set every reference the spec has: the URL
 * Secret and a RabbitmqCluster exclude each other, so there are two.
 */
const FIXTURES: Record<string, ImagePlatform> = {
  'a URL Secret': samplePlatform({
    storage: { bucket: 'photos', credentialsSecretRef: { name: 's3' } },
    queue: {
      urlSecretRef: { name: 'amqp' },
      caSecretRef: { name: 'rabbit-ca' },
      clientCertSecretRef: { name: 'client' },
    },
    media: { uploadKeysSecretRef: { name: 'uploads' } },
    resizer: { signingSecretRef: { name: 'signing' } },
    events: { webhook: { url: 'https://site.example/hooks/enlarger', secretRef: { name: 'webhook' } } },
  }),
  'a RabbitmqCluster': samplePlatform({
    storage: { bucket: 'photos', credentialsSecretRef: { name: 'creds' } },
    queue: {
      rabbitmqClusterRef: { name: 'rabbit' },
      caSecretRef: { name: 'rabbit', key: 'ca.pem' },
      clientCertSecretRef: { name: 'creds' },
    },
    media: { uploadKeysSecretRef: { name: 'creds', key: 'uploads' } },
    resizer: { signingSecretRef: { name: 'creds', key: 'signing' } },
    events: {
      exchange: 'site.events',
      webhook: { url: 'http://site.internal/hooks', secretRef: { name: 'creds', key: 'webhook-hmac' } },
    },
  }),
};

/** Dotted paths of every `…Ref` field of the spec schema: each names a Secret or something that owns one. */
function referenceFields(schema: JsonSchema, path: string[] = []): string[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).flatMap(([key, child]) =>
    key.endsWith('Ref') ? [[...path, key].join('.')] : referenceFields(child, [...path, key]),
  );
}

const valueAt = (cr: ImagePlatform, path: string) =>
  path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], cr.spec);

/**
 * The Secrets as the checksum receives them: only those {@link secretReferences}
 * names are read (checkReferences), each with every key any row reads from it.
 */
function readSecrets(cr: ImagePlatform): Record<string, { uid: string; data: Record<string, string> }> {
  const all = components(cr).flatMap((row) => row.secretEnv);
  return Object.fromEntries(
    secretReferences(cr).map(({ name }) => [
      name,
      {
        uid: `uid-${name}`,
        data: Object.fromEntries(all.filter((s) => s.secret === name).map((s) => [s.key, 'b2xk'])),
      },
    ]),
  );
}

function rotated(secrets: ReturnType<typeof readSecrets>, { secret, key }: SecretEnv): ReferencedSecrets {
  const read = secrets[secret];
  if (!read) return secrets;
  return { ...secrets, [secret]: { ...read, data: { ...read.data, [key]: 'bmV3' } } };
}

const secretVars = (cr: ImagePlatform): Array<[string, ComponentRow, SecretEnv]> =>
  components(cr).flatMap((row) =>
    row.secretEnv.map((s): [string, ComponentRow, SecretEnv] => [`${row.name} ${s.name}`, row, s]),
  );

describe('Secret-backed variables of the component rows', () => {
  it('are all set by the fixtures below: every reference field of the spec', () => {
    const fields = referenceFields(toStructuralSchema(imagePlatformSpec));
    expect(fields.length).toBeGreaterThan(0);
    const unset = fields.filter((f) => Object.values(FIXTURES).every((cr) => valueAt(cr, f) === undefined));
    expect(unset).toEqual([]);
  });

  describe.each(Object.entries(FIXTURES))('with %s', (_, cr) => {
    it.each(secretVars(cr))('checks that %s exists, under its spec field', (_name, _row, s) => {
      const refs = secretReferences(cr).filter((r) => r.name === s.secret && r.field === s.field);
      expect(refs.flatMap((r) => r.keys)).toContain(s.key);
    });

    it.each(secretVars(cr))('rolls the pods when %s is rotated', (_name, row, s) => {
      const secrets = readSecrets(cr);
      expect(configChecksum(row, rotated(secrets, s))).not.toBe(configChecksum(row, secrets));
    });
  });
});
