import { readFile, mkdir, rmdir, writeFile, access } from 'node:fs/promises';
import path from 'node:path';

/**
 * A memory cgroup of our own under the one this process runs in, with a
 * hard limit: what a pod's `resources.limits.memory` is to its container.
 * The kernel OOM-kills a process in it that cannot be given a page, so a
 * soak in one finds out whether a service fits its pod, rather than only
 * reading a peak against a number. cgroup v2 (memory.max, memory.events) and
 * v1 (memory.limit_in_bytes, memory.oom_control) are both handled: this
 * machine mounts v1's memory controller, most current nodes run v2.
 */
export class MemoryCgroup {
  private constructor(
    readonly dir: string,
    private readonly version: 1 | 2,
  ) {}

  /**
   * Creates `name` under this process's memory cgroup with `limitBytes`, or
   * undefined with the reason when there is none we may write to (not
   * root, no memory controller, a read-only mount).
   */
  static async create(
    name: string,
    limitBytes: number,
  ): Promise<{ cgroup: MemoryCgroup } | { cgroup: undefined; reason: string }> {
    const own = await readFile('/proc/self/cgroup', 'utf8').catch(() => '');
    const v1 = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(.*)$/m.exec(own)?.[1];
    const v2 = /^0::(.*)$/m.exec(own)?.[1];
    const candidates: Array<[string, 1 | 2]> = [];
    if (v1 !== undefined) candidates.push([path.join('/sys/fs/cgroup/memory', v1), 1]);
    if (v2 !== undefined) {
      candidates.push([path.join('/sys/fs/cgroup', v2), 2], [path.join('/sys/fs/cgroup/unified', v2), 2]);
    }
    const reasons: string[] = [];
    for (const [parent, version] of candidates) {
      const limitFile = version === 1 ? 'memory.limit_in_bytes' : 'memory.max';
      try {
        if (version === 2) {
          const controllers = await readFile(path.join(parent, 'cgroup.controllers'), 'utf8');
          if (!controllers.split(/\s+/).includes('memory')) throw new Error('no memory controller');
        }
        const dir = path.join(parent, name);
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, limitFile), String(limitBytes));
        // No swap to hide in: a pod on a node without swap has none either.
        if (version === 1) {
          await writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes)).catch(
            () => undefined,
          );
        } else {
          await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
        }
        return { cgroup: new MemoryCgroup(dir, version) };
      } catch (err) {
        reasons.push(`${parent}: ${(err as Error).message}`);
      }
    }
    return { cgroup: undefined, reason: reasons.join('; ') || 'no memory cgroup in /proc/self/cgroup' };
  }

  /**
   * `argv` wrapped so that the process joins this cgroup before it runs:
   * the shell writes its own pid, then execs, so the program's first page is
   * charged here (a pid moved after it started would leave its startup
   * memory charged to the parent).
   */
  wrap(argv: readonly string[]): string[] {
    return ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', path.join(this.dir, 'cgroup.procs'), ...argv];
  }

  /** How many times the kernel OOM-killed a process in it. */
  async oomKills(): Promise<number> {
    const file = this.version === 1 ? 'memory.oom_control' : 'memory.events';
    const text = await readFile(path.join(this.dir, file), 'utf8').catch(() => '');
    return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
  }

  /** Removes the cgroup once its processes are gone; a cgroup with a process left in it stays. */
  async remove(): Promise<void> {
    await access(this.dir).then(
      () => rmdir(this.dir).catch(() => undefined),
      () => undefined,
    );
  }
}
