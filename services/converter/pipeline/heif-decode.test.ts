import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkHeifDecoder, decodeHeif, HeifDecoderMissingError } from './heif-decode.js';

/**
 * The host without the decoder: PATH pointed at a directory holding only
 * prlimit (heif-convert not installed) or nothing at all (prlimit missing too).
 */
describe('a HEIC decoder missing from the host', () => {
  let dir: string;
  let onlyPrlimit: string;
  let empty: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'heif-missing-'));
    onlyPrlimit = path.join(dir, 'only-prlimit');
    empty = path.join(dir, 'empty');
    await Promise.all([mkdir(onlyPrlimit), mkdir(empty)]);
    await symlink('/usr/bin/prlimit', path.join(onlyPrlimit, 'prlimit'));
    await writeFile(path.join(dir, 'photo.heic'), Buffer.alloc(64));
  });
  afterEach(() => vi.unstubAllEnvs());
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is found at startup on this host, which has libheif-examples', async () => {
    await expect(checkHeifDecoder()).resolves.toBeUndefined();
  });

  it.each([
    ['heif-convert', () => onlyPrlimit, /heif-convert cannot be run/],
    ['prlimit', () => empty, /prlimit \(util-linux\) is not on PATH/],
  ])('without %s: startup and decoding both name the package', async (_, pathDir, detail) => {
    vi.stubEnv('PATH', pathDir());
    for (const attempt of [checkHeifDecoder(), decodeHeif(path.join(dir, 'photo.heic'), 64)]) {
      const err = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HeifDecoderMissingError);
      expect((err as Error).message).toMatch(detail);
      expect((err as Error).message).toContain('install the Debian package libheif-examples');
    }
  });
});
