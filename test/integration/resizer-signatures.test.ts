import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { signPath } from '../../services/resizer/request/signature.js';
import { seedPhoto } from './resizer-fixtures.js';
import { startResizer, type RunningResizer } from './resizer-server.js';

/**
 * Issue 10 item 9: one signature must fit exactly one URL. Each variant
 * below decodes to the same parameters as a signed URL (or carries the same
 * signature bytes) and used to verify; a resizer with a signing key now
 * refuses it.
 */
let resizer: RunningResizer;
let dataDir: string;
let good: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'resizer-signatures-'));
  const storage = new FsStorage(dataDir);
  const { id } = await seedPhoto(storage, { width: 800, height: 600 });
  resizer = await startResizer(storage, { SIGNING_KEYS: 'the-key' });
  good = signPath('the-key', `/v1/photos/${id}?w=400&fmt=webp`);
});

afterAll(async () => {
  await resizer?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const get = (pathAndQuery: string) => fetch(resizer.url(pathAndQuery));

/** A base64url signature spelled differently in its last character's spare bits: the same bytes. */
function twinSignature(url: string): string {
  const s = new URL(url, 'http://x').searchParams.get('s')!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(s.at(-1)!);
  const twin = s.slice(0, -1) + alphabet[last ^ 1];
  expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(s, 'base64url'));
  return url.replace(`s=${s}`, `s=${twin}`);
}

describe('resizer: one signature, one URL', () => {
  it('serves the canonical URL that sign-url prints', async () => {
    expect(good).toMatch(/\?fmt=webp&w=400&s=[A-Za-z0-9_-]{43}$/);
    const res = await get(good);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/webp']);
  });

  it.each([
    ['a percent-encoded value', (u: string) => u.replace('w=400', 'w=%34%30%30')],
    ['a percent-encoded name', (u: string) => u.replace('w=400', '%77=400')],
    ['an empty pair', (u: string) => u.replace('&w=', '&&w=')],
    ['a trailing &', (u: string) => `${u}&`],
    ['another order', (u: string) => u.replace('?fmt=webp&w=400', '?w=400&fmt=webp')],
    [
      'a percent-encoded path',
      (u: string) =>
        u.replace(/\/v1\/photos\/(.)/, (_m, c: string) => `/v1/photos/%${c.charCodeAt(0).toString(16)}`),
    ],
  ])('refuses %s with 400', async (_what, variant) => {
    const url = variant(good);
    expect(url).not.toBe(good);
    const res = await get(url);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('url_not_canonical');
  });

  it('refuses another base64 spelling of the same signature bytes with 403', async () => {
    expect((await get(twinSignature(good))).status).toBe(403);
  });

  it('refuses a signed URL that spells a parameter at its default: one URL per output', async () => {
    const id = new URL(good, 'http://x').pathname.split('/').at(-1)!;
    const res = await get(signPath('the-key', `/v1/photos/${id}?fmt=auto&w=400`));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'url_not_canonical', message: 'fmt: fmt=auto is the default: leave it out' },
    });
  });
});

describe('enlarger sign-url', () => {
  const signUrl = (pathAndQuery: string) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'sign-url', pathAndQuery], {
      env: { PATH: '', SIGNING_KEYS: 'the-key' },
    }).then(
      ({ stdout }) => ({ code: 0, out: stdout.trim() }),
      (err: { code: number; stderr: string }) => ({ code: err.code, out: err.stderr.trim() }),
    );

  it('signs only canonical URLs: the one the resizer serves', async () => {
    const id = new URL(good, 'http://x').pathname.split('/').at(-1)!;
    expect(await signUrl(`/v1/photos/${id}?w=400&fmt=webp`)).toEqual({ code: 0, out: good });
    expect(await signUrl(`/v1/photos/${id}?w=400&dpr=1`)).toEqual({
      code: 2,
      out: 'sign-url: dpr: dpr=1 is the default: leave it out',
    });
  }, 30_000);
});
