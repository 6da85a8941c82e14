import { describe, expect, it } from 'vitest';
import { isS3NotFound, mapS3Error } from './s3-errors.js';
import { ObjectNotFoundError, StorageUnavailableError } from './storage.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });

describe('mapS3Error', () => {
  it('maps a missing key (GetObject NoSuchKey, HeadObject bare 404) to ObjectNotFoundError', () => {
    expect(mapS3Error(sdkError('NoSuchKey', 404), 'a/b')).toEqual(new ObjectNotFoundError('a/b'));
    expect(mapS3Error(sdkError('NotFound', 404), 'a/b')).toBeInstanceOf(ObjectNotFoundError);
  });

  it('maps connection errors, timeouts and 5xx to StorageUnavailableError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' });
    for (const err of [
      refused,
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      sdkError('TimeoutError'),
      sdkError('SlowDown', 503),
      sdkError('UnknownError', 502),
      sdkError('NoSuchBucket', 404),
    ]) {
      expect(mapS3Error(err, 'k'), err.message).toBeInstanceOf(StorageUnavailableError);
    }
    expect((mapS3Error(refused, 'k') as Error).cause).toBe(refused);
  });

  it('leaves client errors alone: they are bugs or misconfiguration, not outages', () => {
    const denied = sdkError('AccessDenied', 403);
    expect(mapS3Error(denied, 'k')).toBe(denied);
    // Without a key (bucket-level calls) a 404 is not an object miss.
    const notFound = sdkError('NotFound', 404);
    expect(mapS3Error(notFound)).toBe(notFound);
  });
});

describe('isS3NotFound', () => {
  it('recognises the names and the status', () => {
    expect(isS3NotFound(sdkError('NoSuchKey'))).toBe(true);
    expect(isS3NotFound(sdkError('Whatever', 404))).toBe(true);
    expect(isS3NotFound(sdkError('AccessDenied', 403))).toBe(false);
    expect(isS3NotFound('nope')).toBe(false);
  });
});
