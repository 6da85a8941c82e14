import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCgroup } from '../support/memory-cgroup.js';

const MIB = 1024 ** 2;

/** Runs `node -e script` in `cgroup`; resolves with how it ended. */
function runIn(
  cgroup: MemoryCgroup,
  script: string,
): Promise<{ code: number | null; signal: string | null }> {
  const [command, ...args] = cgroup.wrap([process.execPath, '-e', script]);
  const child = spawn(command!, args, { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * The limit `make soak-memory` puts around each service is the kernel's, as a
 * pod's is: a process that outgrows it is OOM-killed and counted, one that
 * stays under it runs to the end.
 */
describe('a memory cgroup with a pod-like limit', () => {
  let cgroup: MemoryCgroup | undefined;
  afterEach(() => cgroup?.remove());

  it('lets a process under the limit finish, OOM-kills one over it, and counts the kill', async () => {
    const made = await MemoryCgroup.create(`enlarger-test-${process.pid}`, 160 * MIB);
    if (!made.cgroup) throw new Error(`this machine should allow a memory cgroup: ${made.reason}`);
    cgroup = made.cgroup;
    // Touched pages (fill), not reserved ones: only resident memory is charged.
    const holding = (mib: number) =>
      `const a = []; for (let i = 0; i < ${mib / 16}; i++) a.push(Buffer.alloc(16 * 1024 * 1024, 1)); console.log(a.length)`;

    expect(await runIn(cgroup, holding(32))).toEqual({ code: 0, signal: null });
    expect(await cgroup.oomKills()).toBe(0);

    expect(await runIn(cgroup, holding(512))).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await cgroup.oomKills()).toBe(1);
  });
});
