import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import { signedUrlsCondition } from './signed-urls.js';

describe('signedUrlsCondition', () => {
  it('is True when the resizer has signing keys', () => {
    expect(
      signedUrlsCondition(samplePlatform({ resizer: { signingSecretRef: { name: 'signing' } } })),
    ).toEqual({
      type: 'SignedURLs',
      status: 'True',
      reason: 'SigningKeysSet',
      message: 'The resizer serves only URLs signed with the keys of spec.resizer.signingSecretRef.',
    });
  });

  it('is False, saying why it matters, when anyone may ask for any render', () => {
    expect(signedUrlsCondition(samplePlatform())).toMatchObject({
      type: 'SignedURLs',
      status: 'False',
      reason: 'NoSigningKey',
    });
  });
});
