import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JEMALLOC_CANDIDATES } from '../../cli/allocator.js';
import { JEMALLOC_CONF } from '../../lib/process/malloc.js';
import { childrenOf, goneWithin, running, startDevAsUser } from '../support/dev-reexec.js';
import { buildCli, freePort, killAndWait } from '../support/processes.js';

/**
 * `enlarger dev` started without malloc settings runs itself again with
 * them (cli/reexec.ts). The child is what serves, so it must not outlive its
 * parent: not after a SIGTERM, which is passed on, and not after a SIGKILL,
 * which nothing can pass on.
 */
let parent: ChildProcess | undefined;
let servingPid: number | undefined;
let dataDir: string | undefined;

beforeAll(() => buildCli(), 300_000);

afterEach(async () => {
  if (parent) await killAndWait(parent, 'SIGKILL');
  // Only if a test failed with the child still up: nothing else would stop it.
  if (servingPid && (await running(servingPid))) process.kill(servingPid, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  [parent, servingPid, dataDir] = [undefined, undefined, undefined];
});

async function startDev(): Promise<{ parent: ChildProcess; child: number; media: string }> {
  dataDir = await mkdtemp(path.join(tmpdir(), 'dev-reexec-'));
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  parent = await startDevAsUser({
    DATA_DIR: dataDir,
    MEDIA_PORT: String(ports[0]),
    MEDIA_ADMIN_PORT: String(ports[1]),
    RESIZER_PORT: String(ports[2]),
    RESIZER_ADMIN_PORT: String(ports[3]),
  });
  const children = await childrenOf(parent.pid!);
  expect(children).toHaveLength(1);
  servingPid = children[0]!;
  return { parent, child: servingPid, media: `http://127.0.0.1:${ports[0]}` };
}

describe('enlarger dev run again with the allocator settings', () => {
  it("serves from its one child, which runs on the pods' allocator: jemalloc, tuned", async () => {
    const { child, media } = await startDev();
    const environ = (await readFile(`/proc/${child}/environ`, 'utf8')).split('\0');
    // `make test` installs Debian's libjemalloc2 (scripts/debian-packages.tsv), so dev finds it.
    const jemalloc = JEMALLOC_CANDIDATES.find((p) => existsSync(p));
    expect(jemalloc).toBeDefined();
    expect(environ).toEqual(
      expect.arrayContaining([
        `LD_PRELOAD=${jemalloc}`,
        `MALLOC_CONF=${JEMALLOC_CONF}`,
        'MALLOC_ARENA_MAX=2',
        'MALLOC_MMAP_THRESHOLD_=4194304',
      ]),
    );
    // Loaded, not only named: the library is mapped into the serving process.
    expect(await readFile(`/proc/${child}/maps`, 'utf8')).toContain('libjemalloc.so.2');
    expect((await fetch(`${media}/v1/photos/nothing-here`)).status).toBe(404);
  }, 120_000);

  it('its child is gone within 2 s of the parent being SIGKILLed, and its port closed', async () => {
    const { parent, child, media } = await startDev();
    parent.kill('SIGKILL');
    expect(await goneWithin(child, 5_000)).toBeLessThan(2_000);
    await expect(fetch(`${media}/healthz`)).rejects.toThrow();
    servingPid = undefined;
  }, 120_000);

  it('a SIGTERM to the parent stops the child, and the parent exits 0 as the child did', async () => {
    const { parent, child } = await startDev();
    const exited = new Promise<number | null>((resolve) => parent.once('exit', (code) => resolve(code)));
    parent.kill('SIGTERM');
    expect(await goneWithin(child, 10_000)).toBeLessThan(10_000);
    expect(await exited).toBe(0);
    servingPid = undefined;
  }, 120_000);
});
