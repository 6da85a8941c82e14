import { pipeline, Readable, Transform } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { STORAGE_DEFAULTS } from './config.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import { isS3NotFound, mapS3Error } from './s3-errors.js';
import { StorageUnavailableError, type ObjectInfo, type PutOptions, type Storage } from './storage.js';

export interface S3StorageOptions {
  bucket: string;
  /** Default us-east-1, which is also what MinIO expects unless configured otherwise. */
  region?: string;
  /** For S3-compatible servers, `http://minio:9000`; omit for AWS. */
  endpoint?: string;
  /** `bucket` in the path rather than the host name; MinIO and most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /** Omit to use the SDK's default chain (env, instance profile, IRSA). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Tries per request including the first. Default 2: an outage should surface, not be waited out. */
  maxAttempts?: number;
  /** TCP connect timeout. Default 2 s. */
  connectTimeoutMs?: number;
  /** Longest silence on an open socket before the request fails. Default 15 s. */
  socketTimeoutMs?: number;
  /** Multipart part size for streamed bodies (min 5 MiB). Default 8 MiB. */
  partSizeBytes?: number;
  /** Parts uploaded at once; memory use is about (queueSize + 1) × partSize. Default 2. */
  uploadQueueSize?: number;
}

const MIB = 1024 * 1024;

/**
 * Storage on S3 or any S3-compatible server. Buffers and strings go up in a
 * single PutObject; streams go through a multipart upload with bounded part
 * size and concurrency, so a 1 GB original costs a few parts of memory.
 * Etags are returned without S3's surrounding quotes.
 */
export class S3Storage implements Storage {
  /** The SDK client, for what the Storage interface does not cover (bucket admin in tests and tools). */
  readonly client: S3Client;
  readonly bucket: string;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.partSize = Math.max(options.partSizeBytes ?? 8 * MIB, 5 * MIB);
    this.queueSize = options.uploadQueueSize ?? 2;
    this.client = new S3Client({
      region: options.region ?? STORAGE_DEFAULTS.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? STORAGE_DEFAULTS.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? 2,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 2_000,
        socketTimeout: options.socketTimeoutMs ?? 15_000,
      },
      // The SDK's default CRC32 checksums use aws-chunked uploads that not
      // every S3-compatible server accepts; MD5/ETag integrity is enough here.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Readable | Buffer | string, options: PutOptions = {}): Promise<ObjectInfo> {
    assertValidKey(key);
    const params = {
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      Metadata: options.metadata,
    };
    try {
      if (!(body instanceof Readable)) {
        const bytes = Buffer.from(body);
        const res = await this.client.send(new PutObjectCommand({ ...params, Body: bytes }));
        return { key, size: bytes.length, contentType: options.contentType, etag: unquote(res.ETag) };
      }
      const { stream, bytesSeen } = counting(body);
      const upload = new Upload({
        client: this.client,
        params: { ...params, Body: stream },
        partSize: this.partSize,
        queueSize: this.queueSize,
        leavePartsOnError: false,
      });
      try {
        const res = await upload.done();
        return { key, size: bytesSeen(), contentType: options.contentType, etag: unquote(res.ETag) };
      } catch (err) {
        // Stop reading the caller's stream: nobody will consume the rest.
        stream.destroy();
        throw err;
      }
    } catch (err) {
      throw mapS3Error(err, key);
    }
  }

  async get(key: string): Promise<Readable> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      // In Node the SDK's body is an http.IncomingMessage, i.e. a Readable.
      return res.Body as Readable;
    } catch (err) {
      throw mapS3Error(err, key);
    }
  }

  async getBuffer(key: string): Promise<Buffer> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    } catch (err) {
      throw mapS3Error(err, key);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: res.ContentLength ?? 0,
        contentType: res.ContentType,
        etag: unquote(res.ETag),
        lastModified: res.LastModified,
        metadata: res.Metadata,
      };
    } catch (err) {
      const mapped = mapS3Error(err, key);
      if (mapped instanceof StorageUnavailableError) throw mapped;
      if (isS3NotFound(err)) return undefined;
      throw mapped;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      throw mapS3Error(err, key);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    try {
      for await (const page of paginateListObjectsV2(
        { client: this.client },
        { Bucket: this.bucket, Prefix: prefix },
      )) {
        for (const item of page.Contents ?? []) {
          yield {
            key: item.Key!,
            size: item.Size ?? 0,
            etag: unquote(item.ETag),
            lastModified: item.LastModified,
          };
        }
      }
    } catch (err) {
      throw mapS3Error(err);
    }
  }

  /** Any failure counts as unavailable here: a readiness probe cares that it works, not why. */
  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const why = isS3NotFound(err) ? `bucket ${this.bucket} does not exist` : `S3 unavailable`;
      throw new StorageUnavailableError(why, { cause: err });
    }
  }

  /** Creates the bucket unless it exists; for startup and tests, where nobody provisions it. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isS3NotFound(err)) throw mapS3Error(err);
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      // Another replica won the race.
      const name = (err as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw mapS3Error(err);
    }
  }

  /** Closes pooled sockets; the storage is unusable afterwards. */
  destroy(): void {
    this.client.destroy();
  }
}

/** Passes `source` through while counting bytes; errors on either side tear both down. */
function counting(source: Readable): { stream: Readable; bytesSeen: () => number } {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  // Errors surface through `counter`, which Upload is reading.
  pipeline(source, counter, () => {});
  return { stream: counter, bytesSeen: () => bytes };
}

const unquote = (etag: string | undefined): string | undefined => etag?.replace(/^"|"$/g, '');
