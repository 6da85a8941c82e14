import type { ImagePlatform } from '../api/imageplatform.js';
import type { ConditionUpdate } from './conditions.js';

/**
 * AuthenticatedUploads: whether media asks every upload for a token, so an
 * open upload endpoint shows in `kubectl describe` beside SignedURLs.
 */
export function uploadsCondition(cr: ImagePlatform): ConditionUpdate {
  if (cr.spec.media.uploadKeysSecretRef) {
    return {
      type: 'AuthenticatedUploads',
      status: 'True',
      reason: 'UploadKeysSet',
      message:
        'Media stores only uploads that carry a token signed with the keys of spec.media.uploadKeysSecretRef.',
    };
  }
  return {
    type: 'AuthenticatedUploads',
    status: 'False',
    reason: 'NoUploadKey',
    message:
      'spec.media.uploadKeysSecretRef is not set: anyone who reaches the media Service can store photos of any size the limits allow. Keep it behind the site, or set the keys.',
  };
}
