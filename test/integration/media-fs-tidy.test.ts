import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileUploads } from '../support/hostile.js';
import { startServiceProcess, type ServiceProcess } from '../support/media-process.js';
import { buildCli } from '../support/processes.js';
import { openRaw, requestHead } from '../support/raw-http.js';
import { eventually } from '../support/wait.js';
import { noise } from '../support/noise.js';

/** Every path under `root`, directories with a trailing slash. */
async function tree(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(`${rel}/`, ...(await tree(root, `${rel}/`)));
    else out.push(rel);
  }
  return out.sort();
}

/** Media as a child process on the filesystem store: what refused uploads and crashes leave on disk. */
describe('media on the filesystem store leaves no litter', () => {
  let dataDir: string;
  let media: ServiceProcess;
  const fresh = 'photos/AAAAAAAAAAAAAAAAAAAAAA/.original.ba9876543210.tmp';

  beforeAll(async () => {
    await buildCli();
    dataDir = await mkdtemp(path.join(tmpdir(), 'media-fs-'));
    // What a media killed mid-write a day ago left, and a write in progress now.
    const stale = 'photos/BBBBBBBBBBBBBBBBBBBBBB/.original.0123456789ab.tmp';
    for (const file of [stale, fresh]) {
      await mkdir(path.dirname(path.join(dataDir, file)), { recursive: true });
      await writeFile(path.join(dataDir, file), 'half an upload');
    }
    const dayAgo = new Date(Date.now() - 86_400_000);
    await utimes(path.join(dataDir, stale), dayAgo, dayAgo);
    media = await startServiceProcess('media', 'MEDIA_PORT', {
      STORAGE_KIND: 'fs',
      DATA_DIR: dataDir,
      QUEUE_KIND: 'memory',
      MEDIA_HOST: '127.0.0.1',
      MEDIA_MAX_BYTES: '20MB',
    });
  });
  afterAll(async () => {
    await media?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sweeps stale temp files and their folders at startup, keeping fresh ones', async () => {
    expect(await tree(dataDir)).toEqual(['photos/', 'photos/AAAAAAAAAAAAAAAAAAAAAA/', fresh]);
  });

  it('leaves no folder behind for refused or aborted uploads', async () => {
    for (const upload of await hostileUploads()) {
      const res = await fetch(`${media.url}/v1/photos`, { method: 'POST', body: upload.data });
      expect({ name: upload.name, status: res.status }).toEqual({ name: upload.name, status: upload.status });
    }
    // Past the 512 KiB head, so the original is already being written when the client goes.
    const big = await noise(2000, 2000, { sigma: 50 }).jpeg({ quality: 95 }).toBuffer();
    for (let i = 0; i < 5; i++) {
      const socket = await openRaw(media.url);
      socket.on('error', () => undefined);
      socket.write(requestHead('/v1/photos', { 'Content-Length': big.length }));
      socket.write(big.subarray(0, 1024 * 1024));
      await sleep(200);
      socket.destroy();
    }
    const expected = JSON.stringify(['photos/', 'photos/AAAAAAAAAAAAAAAAAAAAAA/', fresh]);
    await eventually(async () => JSON.stringify(await tree(dataDir)) === expected, {
      timeoutMs: 10_000,
      what: 'the aborted uploads to leave nothing',
    }).catch(async () => expect(await tree(dataDir)).toEqual(JSON.parse(expected)));
  });
});
