import { describe, expect, it } from 'vitest';
import { samplePlatform, sampleSecrets } from '../api/fixture.js';
import { component } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { COMPONENTS, type Component } from '../api/names.js';
import { configChecksum, type ReferencedSecrets } from './checksum.js';

describe('configChecksum', () => {
  const base = samplePlatform({
    storage: { bucket: 'photos', credentialsSecretRef: { name: 's3' } },
    media: { uploadKeysSecretRef: { name: 'uploads' } },
    resizer: { signingSecretRef: { name: 'signing' } },
  });
  const sum = (
    cr: ImagePlatform = base,
    name: Component = 'media',
    secrets: ReferencedSecrets = sampleSecrets,
  ) => configChecksum(component(cr, name), secrets);

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
      [name]: {
        ...sampleSecrets[name as keyof typeof sampleSecrets],
        data: { ...sampleSecrets[name as keyof typeof sampleSecrets].data, [key]: 'bmV3' },
      },
    });
    const changedFor = (secrets: ReferencedSecrets) =>
      COMPONENTS.filter((c) => sum(base, c, secrets) !== sum(base, c));

    expect(changedFor(rotated('s3', 'secretAccessKey'))).toEqual(['media', 'converter', 'resizer']);
    expect(changedFor(rotated('amqp', 'url'))).toEqual(['media', 'converter']);
    expect(changedFor(rotated('signing', 'keys'))).toEqual(['resizer']);
    expect(changedFor(rotated('uploads', 'keys'))).toEqual(['media']);
  });

  it('ignores keys of a referenced Secret that no container reads', () => {
    const extra = {
      ...sampleSecrets,
      amqp: { ...sampleSecrets.amqp, data: { ...sampleSecrets.amqp.data, unrelated: 'eA==' } },
    };
    for (const component of COMPONENTS) expect(sum(base, component, extra)).toBe(sum(base, component));
  });

  it('cannot be matched offline against a guessed Secret value without the Secret uid', () => {
    // The attack this prevents: hash candidate keys the way an unkeyed checksum would and compare.
    const guess = (secrets: ReferencedSecrets) => configChecksum(component(base, 'resizer'), secrets);
    const sameValueOtherUid = { ...sampleSecrets, signing: { ...sampleSecrets.signing, uid: 'another-uid' } };
    expect(guess(sameValueOtherUid)).not.toBe(guess(sampleSecrets));
  });
});
