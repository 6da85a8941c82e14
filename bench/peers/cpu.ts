import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ, 100 on every mainstream build). */
const USER_HZ = 100;

/** User + system CPU seconds the processes have used so far, from /proc (all threads included). */
export async function cpuSeconds(pids: readonly number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / USER_HZ;
}
