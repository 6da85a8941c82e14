import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../config/parse-env.js';
import { storageConfigFromEnv, storageEnvSchema } from './config.js';
import { createStorage } from './create-storage.js';
import { FsStorage } from './fs-storage.js';
import { S3Storage } from './s3-storage.js';

const configOf = (env: Record<string, string>) => storageConfigFromEnv(parseEnv(storageEnvSchema, env));

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('storage config', () => {
  it('defaults to the filesystem under ./data', () => {
    expect(configOf({})).toEqual({ kind: 'fs', dir: './data' });
  });

  it('reads the S3 variables', () => {
    expect(
      configOf({
        STORAGE_KIND: 's3',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_BUCKET: 'photos',
        S3_FORCE_PATH_STYLE: 'true',
        S3_ACCESS_KEY_ID: 'key',
        S3_SECRET_ACCESS_KEY: 'secret',
        S3_MAX_ATTEMPTS: '3',
      }),
    ).toEqual({
      kind: 's3',
      bucket: 'photos',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
      maxAttempts: 3,
      connectTimeoutMs: 2_000,
      socketTimeoutMs: 15_000,
    });
  });

  it('names the variable and the expected format on bad input', () => {
    expect(
      problemsOf(() =>
        parseEnv(storageEnvSchema, {
          STORAGE_KIND: 'nfs',
          S3_FORCE_PATH_STYLE: 'yes',
          S3_BUCKET: 'Photos_1',
        }),
      ),
    ).toEqual([
      'STORAGE_KIND must be fs or s3, got "nfs"',
      'S3_BUCKET must be a bucket name (3-63 of a-z, 0-9, ".", "-"), got "Photos_1"',
      'S3_FORCE_PATH_STYLE must be true or false, got "yes"',
    ]);
  });

  it('requires a bucket and paired credentials for s3', () => {
    expect(problemsOf(() => configOf({ STORAGE_KIND: 's3', S3_ACCESS_KEY_ID: 'key' }))).toEqual([
      'S3_BUCKET is required when STORAGE_KIND=s3, got nothing',
      'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together, got only one',
    ]);
  });
});

describe('createStorage', () => {
  it('builds the backend the config names', async () => {
    expect(await createStorage({ kind: 'fs', dir: '/tmp/enlarger-unused' })).toBeInstanceOf(FsStorage);
    const s3 = await createStorage(configOf({ STORAGE_KIND: 's3', S3_BUCKET: 'photos' }));
    expect(s3).toBeInstanceOf(S3Storage);
    (s3 as S3Storage).destroy();
  });
});
