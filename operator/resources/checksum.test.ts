import { describe, expect, it } from 'vitest';
import { samplePlatform, sampleSecrets } from '../api/fixture.js';
import { configChecksum, type ReferencedSecrets } from './checksum.js';
import { COMPONENTS } from './meta.js';

describe('configChecksum', () => {
  const base = samplePlatform({
    storage: { bucket: 'photos', credentialsSecretRef: { name: 's3' } },
    resizer: { signingSecretRef: { name: 'signing' } },
  });
  const sum = (
    cr = base,
    component: (typeof COMPONENTS)[number] = 'media',
    secrets: ReferencedSecrets = sampleSecrets,
  ) => configChecksum(cr, component, secrets);

  it('is a stable SHA-256', () => {
    expect(sum()).toMatch(/^[0-9a-f]{64}$/);
    expect(sum(samplePlatform(base.spec))).toBe(sum());
  });

  it('changes only for the components that read the changed setting', () => {
    const changed = samplePlatform({ ...base.spec, resizer: { ...base.spec.resizer, cacheMegabytes: 1 } });
    expect(sum(changed, 'resizer')).not.toBe(sum(base, 'resizer'));
    expect(sum(changed, 'media')).toBe(sum(base, 'media'));
    expect(sum(changed, 'converter')).toBe(sum(base, 'converter'));
  });

  it('changes for every component when storage changes', () => {
    const changed = samplePlatform({ ...base.spec, storage: { ...base.spec.storage, bucket: 'other' } });
    for (const component of COMPONENTS) expect(sum(changed, component)).not.toBe(sum(base, component));
  });

  it('ignores replicas, which are not config', () => {
    expect(sum(samplePlatform({ ...base.spec, media: { ...base.spec.media, replicas: 7 } }))).toBe(sum());
  });

  it('changes for the components whose referenced Secret values are rotated', () => {
    const rotated = (name: string, key: string): ReferencedSecrets => ({
      ...sampleSecrets,
      [name]: { ...sampleSecrets[name as keyof typeof sampleSecrets], [key]: 'bmV3' },
    });
    const changedFor = (secrets: ReferencedSecrets) =>
      COMPONENTS.filter((c) => sum(base, c, secrets) !== sum(base, c));

    expect(changedFor(rotated('s3', 'secretAccessKey'))).toEqual(['media', 'converter', 'resizer']);
    expect(changedFor(rotated('amqp', 'url'))).toEqual(['media', 'converter']);
    expect(changedFor(rotated('signing', 'keys'))).toEqual(['resizer']);
  });

  it('ignores keys of a referenced Secret that no container reads', () => {
    const extra = { ...sampleSecrets, amqp: { ...sampleSecrets.amqp, unrelated: 'eA==' } };
    for (const component of COMPONENTS) expect(sum(base, component, extra)).toBe(sum(base, component));
  });
});
