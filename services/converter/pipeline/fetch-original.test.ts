import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sweepStaleOriginals } from './fetch-original.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'converter-tmp-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it('removes only old downloads of its own naming', async () => {
  const names = ['enlarger-0123456789abcdef', 'enlarger-fedcba9876543210', 'enlarger-notes', 'other'];
  for (const name of names) await writeFile(path.join(dir, name), 'x');
  const old = new Date(Date.now() - 2 * 3_600_000);
  for (const name of [names[0]!, names[2]!, names[3]!]) await utimes(path.join(dir, name), old, old);
  expect(await sweepStaleOriginals(dir, 3_600_000)).toBe(1);
  expect((await readdir(dir)).sort()).toEqual(['enlarger-fedcba9876543210', 'enlarger-notes', 'other']);
});
