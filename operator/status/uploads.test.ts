import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import { uploadsCondition } from './uploads.js';

describe('uploadsCondition', () => {
  it('is True when media has upload keys', () => {
    expect(
      uploadsCondition(samplePlatform({ media: { uploadKeysSecretRef: { name: 'uploads', key: 'keys' } } })),
    ).toEqual({
      type: 'AuthenticatedUploads',
      status: 'True',
      reason: 'UploadKeysSet',
      message:
        'Media stores only uploads that carry a token signed with the keys of spec.media.uploadKeysSecretRef.',
    });
  });

  it('is False, saying what is open, without keys', () => {
    expect(uploadsCondition(samplePlatform())).toMatchObject({
      type: 'AuthenticatedUploads',
      status: 'False',
      reason: 'NoUploadKey',
    });
  });
});
