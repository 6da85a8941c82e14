import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/processes.js';
import { startServiceProcess, type ServiceProcess } from '../support/media-process.js';

/** `enlarger dev` as a child process on a fresh data directory: media, converter and resizer in one process. */
export interface DevTarget {
  process: ServiceProcess;
  media: string;
  resizer: string;
  /** The resizer's admin port: /metrics, /readyz. */
  resizerAdmin: string;
  dataDir: string;
  /** Whether the process is gone, and how. */
  death: () => string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/cli/main.js dev` (build first) on a temporary DATA_DIR
 * under `dataRoot`; `env` overrides dev's settings.
 */
export async function startDevTarget(
  env: Record<string, string> = {},
  dataRoot = os.tmpdir(),
): Promise<DevTarget> {
  const dataDir = await mkdtemp(path.join(dataRoot, 'enlarger-dev-target-'));
  const [resizerPort, resizerAdminPort] = [await freePort(), await freePort()];
  const process = await startServiceProcess('dev', 'MEDIA_PORT', {
    DATA_DIR: dataDir,
    RESIZER_PORT: String(resizerPort),
    RESIZER_ADMIN_PORT: String(resizerAdminPort),
    LOG_LEVEL: 'warn',
    ...env,
  });
  let death: string | undefined;
  process.child.once('exit', (code, signal) => (death = `exited with ${signal ?? `code ${code}`}`));
  return {
    process,
    media: process.url,
    resizer: `http://127.0.0.1:${resizerPort}`,
    resizerAdmin: `http://127.0.0.1:${resizerAdminPort}`,
    dataDir,
    death: () => death,
    async stop() {
      await process.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A photo's status as media's API shows it. */
export interface PhotoStatus {
  id: string;
  status: 'processing' | 'ready' | 'failed';
  error?: string;
}

/** Polls a photo until it is `ready` or `failed`; `undefined` when it is still processing at the deadline. */
export async function settle(media: string, id: string, timeoutMs: number): Promise<PhotoStatus | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${media}/v1/photos/${id}`);
    if (res.ok) {
      const body = (await res.json()) as PhotoStatus;
      if (body.status !== 'processing') return body;
    } else {
      await res.body?.cancel();
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * What the data directory holds that no accepted photo explains: photo
 * folders not in `accepted`, pending markers, temp files. Empty when nothing
 * is orphaned.
 */
export async function orphans(dataDir: string, accepted: ReadonlySet<string>): Promise<string[]> {
  const found: string[] = [];
  const photos = await readdir(path.join(dataDir, 'photos')).catch(() => []);
  for (const id of photos) if (!accepted.has(id)) found.push(`photos/${id}`);
  const pending = await readdir(path.join(dataDir, 'pending')).catch(() => []);
  for (const name of pending) found.push(`pending/${name}`);
  for (const entry of await readdir(dataDir, { recursive: true })) {
    if (entry.endsWith('.tmp')) found.push(entry);
  }
  return found;
}

/**
 * A RAM-backed directory when there is one: every put fsyncs, which on a busy
 * disk costs more than the rest of an upload, and tests of folder races and
 * hostile bytes are not about durability.
 */
export const RAM_DIR = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
