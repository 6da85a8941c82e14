import { messageOf } from '../errors.js';
import { ObjectNotFoundError, StorageUnavailableError } from './storage.js';

/** Socket-level failures: the server is down, unreachable or too slow. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** SDK error names that mean "try again later", whatever the status code. */
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const shapeOf = (err: unknown): SdkErrorShape => (typeof err === 'object' && err !== null ? err : {});

/**
 * Turns an SDK error for `key` into the Storage contract: missing objects
 * become {@link ObjectNotFoundError}, outages (connection errors, timeouts,
 * 5xx, a missing bucket) {@link StorageUnavailableError}; anything else
 * (403, 400: our bug or our config) is returned unchanged.
 */
export function mapS3Error(err: unknown, key?: string): unknown {
  const { name, code, $metadata } = shapeOf(err);
  const status = $metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') return new StorageUnavailableError(`S3 bucket does not exist`, { cause: err });
  if (key !== undefined && (name === 'NoSuchKey' || name === 'NotFound' || status === 404)) {
    return new ObjectNotFoundError(key);
  }
  const network = (code && NETWORK_CODES.has(code)) || (name && NETWORK_CODES.has(name));
  if (network || (name && TRANSIENT_NAMES.has(name)) || (status !== undefined && status >= 500)) {
    return new StorageUnavailableError(`S3 unavailable: ${messageOf(err) || name || code}`, { cause: err });
  }
  return err;
}

/** True when `err` is S3 saying the object (or bucket) is not there. */
export function isS3NotFound(err: unknown): boolean {
  const { name, $metadata } = shapeOf(err);
  return (
    name === 'NoSuchKey' ||
    name === 'NotFound' ||
    name === 'NoSuchBucket' ||
    $metadata?.httpStatusCode === 404
  );
}
