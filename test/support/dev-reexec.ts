import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MALLOC_VARIABLES } from '../../lib/process/malloc.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Starts `node dist/cli/main.js dev` as a user would, with no malloc setting
 * and no LD_PRELOAD, so it runs itself again (cli/reexec.ts); `env` adds
 * dev's own settings. Resolves once it logs that it is up.
 */
export async function startDevAsUser(env: Record<string, string>): Promise<ChildProcess> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of MALLOC_VARIABLES) delete base[name];
  const child = spawn(process.execPath, [path.join(REPO, 'dist/cli/main.js'), 'dev'], {
    cwd: REPO,
    env: { ...base, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`enlarger dev exited with ${signal ?? code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"enlarger dev is up"')) resolve();
    });
  });
  return child;
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, …]. */
async function stat(pid: number): Promise<string[] | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return text?.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Pids of `pid`'s running children, from /proc. */
export async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await stat(Number(entry));
    if (fields?.[1] === String(pid)) found.push(Number(entry));
  }
  return found;
}

/** Whether `pid` still runs: a zombie, waiting for whoever adopted it to reap it, has ended. */
export async function running(pid: number): Promise<boolean> {
  const state = (await stat(pid))?.[0];
  return state !== undefined && state !== 'Z';
}

/** Milliseconds until `pid` stops running, polled every 20 ms; Infinity past `timeoutMs`. */
export async function goneWithin(pid: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (!(await running(pid))) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Infinity;
}
