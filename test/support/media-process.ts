import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mallocReexecEnv } from '../../cli/allocator.js';
import { freePort, killAndWait } from './processes.js';
import { eventually } from './wait.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One pino line of a service's stdout. */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** `enlarger <command>` as a child process whose JSON log lines are kept for the test to read. */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Base URL of the admin port: probes and metrics. */
  admin: string;
  logs: LogLine[];
  /** Resident set size now, from /proc, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts media (or another service reading `portVariable`) and resolves once it answers /healthz. */
export async function startServiceProcess(
  command: string,
  portVariable: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const adminVariable = portVariable.replace(/_PORT$/, '_ADMIN_PORT');
  const childEnv = {
    ...process.env,
    ...env,
    [portVariable]: String(port),
    [adminVariable]: String(adminPort),
    LOG_LEVEL: env.LOG_LEVEL ?? 'debug',
  };
  const child = spawn(process.execPath, [path.join(REPO, 'dist/cli/main.js'), command], {
    cwd: REPO,
    // The malloc settings `enlarger dev` would run itself again with, given here: so the child is the
    // service itself, and its pid is the one whose RSS is read and that signals reach.
    env: mallocReexecEnv(childEnv) ?? childEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: LogLine[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      // Not a log line (a stray print); nothing to assert on.
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const admin = `http://127.0.0.1:${adminPort}`;
  await eventually(async () => (await fetch(`${admin}/healthz`)).ok, {
    timeoutMs: 30_000,
    what: `${command} up`,
  });
  return {
    child,
    url,
    admin,
    logs,
    async rss() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    stop: () => killAndWait(child, 'SIGTERM'),
  };
}
