import type { Readable } from 'node:stream';
import { HttpError } from '../errors.js';

/** What is known about a stored object without reading it. */
export interface ObjectInfo {
  key: string;
  size: number;
  contentType?: string;
  etag?: string;
  lastModified?: Date;
  /** The metadata given to `put`; filled in by `head` (listings do not carry it). */
  metadata?: Record<string, string>;
}

export interface PutOptions {
  contentType?: string;
  /** Small string metadata stored with the object. */
  metadata?: Record<string, string>;
}

/**
 * An object store addressed by `/`-separated keys. Implementations: S3
 * (any S3-compatible server) and the local filesystem. Bodies stream both
 * ways so large originals never sit in memory.
 *
 * Errors: a missing key rejects with {@link ObjectNotFoundError}; an
 * unreachable backend rejects with {@link StorageUnavailableError}, which
 * callers treat as transient (HTTP 503, queue retry).
 */
export interface Storage {
  put(key: string, body: Readable | Buffer | string, options?: PutOptions): Promise<ObjectInfo>;
  get(key: string): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  /** Metadata of `key`, or undefined when it does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Removes `key`; deleting a key that does not exist succeeds (S3 semantics). */
  delete(key: string): Promise<void>;
  /** Every key under `prefix`, in lexical order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Resolves when the backend answers; readiness probes call it. */
  ping(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

/** The backend did not answer. Transient: 503 to HTTP clients, a retry for queue workers. */
export class StorageUnavailableError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, 'storage_unavailable', message, true, { ...options, publicMessage: 'storage is unavailable' });
    this.name = 'StorageUnavailableError';
  }
}
