import type { ImagePlatform } from '../api/imageplatform.js';
import type { ConditionUpdate } from './conditions.js';

/** SignedURLs: whether the resizer refuses unsigned URLs, so an open origin shows in `kubectl get`. */
export function signedUrlsCondition(cr: ImagePlatform): ConditionUpdate {
  if (cr.spec.resizer.signingSecretRef) {
    return {
      type: 'SignedURLs',
      status: 'True',
      reason: 'SigningKeysSet',
      message: 'The resizer serves only URLs signed with the keys of spec.resizer.signingSecretRef.',
    };
  }
  return {
    type: 'SignedURLs',
    status: 'False',
    reason: 'NoSigningKey',
    message:
      'spec.resizer.signingSecretRef is not set: anyone can ask the resizer for any size and format of any photo, each one a render. Set it for a public origin.',
  };
}
