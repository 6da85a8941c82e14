import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../test/support/processes.js';
import { eventually } from '../../test/support/wait.js';
import type { ServiceName } from './platform.js';

/** How one process of a Deployment ended. */
export interface Exit {
  atSeconds: number;
  pid: number;
  code: number | null;
  signal: string | null;
  /** Killed by the soak as a fault, not crashed. */
  expected: boolean;
  /** Its peak RSS (VmHWM) at the last sample before it went. */
  peakRssBytes: number;
}

const kib = (status: string, field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;

/**
 * `enlarger <service>` from dist/ with the environment the operator renders
 * for its pod, restarted after it exits as a Deployment's pod would be
 * (a fixed delay, no backoff). Its stdout and stderr go to `logFile`. Peak
 * RSS is sampled from /proc: VmHWM of each process, so a peak between
 * samples is not missed, and the maximum over every restart.
 */
export class Deployment {
  readonly port: Promise<number>;
  readonly adminPort: Promise<number>;
  readonly exits: Exit[] = [];
  /**
   * After each exit: seconds until the next process was ready (/readyz 200: a converter only
   * once it consumes again), undefined if it never was.
   */
  readonly recoveries: Array<{ exitedAtSeconds: number; readyAfterSeconds: number | undefined }> = [];
  private child: ChildProcess | undefined;
  private stopping = false;
  private killing = false;
  private peak = 0;
  private lastHwm = 0;
  private restarts: Promise<void> = Promise.resolve();

  constructor(
    readonly name: ServiceName,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly repo: string,
    private readonly started: number,
    private readonly restartDelayMs = 2000,
    /** Turns the command into the one to run: a memory cgroup's wrapper (test/support/memory-cgroup.ts), say. */
    private readonly wrap: (argv: string[]) => string[] = (argv) => argv,
  ) {
    this.port = freePort();
    this.adminPort = this.port.then(() => freePort());
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get peakRssBytes(): number {
    return this.peak;
  }

  /** Base URL of the public port (media, resizer). */
  async url(): Promise<string> {
    return `http://127.0.0.1:${await this.port}`;
  }

  /** Starts the first process and resolves once it answers /healthz. */
  async start(): Promise<void> {
    await this.spawnProcess();
    await this.healthy(60_000);
  }

  private async healthy(timeoutMs: number, probe: '/healthz' | '/readyz' = '/healthz'): Promise<void> {
    const admin = `http://127.0.0.1:${await this.adminPort}`;
    await eventually(async () => (await fetch(`${admin}${probe}`).catch(() => undefined))?.ok, {
      timeoutMs,
      what: `${this.name} ${probe === '/healthz' ? 'up' : 'ready'}`,
    });
  }

  private async spawnProcess(): Promise<void> {
    const upper = this.name.toUpperCase();
    const out = openSync(this.logFile, 'a');
    const [command, ...args] = this.wrap([
      process.execPath,
      path.join(this.repo, 'dist/cli/main.js'),
      this.name,
    ]);
    const child = spawn(command!, args, {
      cwd: this.repo,
      // A pod gets what the operator renders and nothing of ours but PATH.
      env: {
        PATH: process.env.PATH,
        ...this.env,
        [`${upper}_HOST`]: '127.0.0.1',
        [`${upper}_ADMIN_PORT`]: String(await this.adminPort),
        ...(this.name === 'converter' ? {} : { [`${upper}_PORT`]: String(await this.port) }),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.child = child;
    this.lastHwm = 0;
    child.once('exit', (code, signal) => {
      this.exits.push({
        atSeconds: Math.round((Date.now() - this.started) / 1000),
        pid: child.pid ?? 0,
        code,
        signal,
        expected: this.killing || this.stopping,
        peakRssBytes: this.lastHwm,
      });
      this.killing = false;
      this.child = undefined;
      if (this.stopping) return;
      const exitedAt = Date.now();
      this.restarts = new Promise((r) => setTimeout(r, this.restartDelayMs)).then(() => this.spawnProcess());
      // How long the new process takes to be ready (the converter: connected and consuming), for the report.
      void this.restarts
        .then(() => this.healthy(600_000, '/readyz'))
        .then(
          () =>
            this.recoveries.push({
              exitedAtSeconds: Math.round((exitedAt - this.started) / 1000),
              readyAfterSeconds: Math.round((Date.now() - exitedAt) / 100) / 10,
            }),
          () =>
            this.recoveries.push({
              exitedAtSeconds: Math.round((exitedAt - this.started) / 1000),
              readyAfterSeconds: undefined,
            }),
        );
    });
  }

  /** Reads VmRSS and VmHWM of the current process; returns the current RSS. */
  async sample(): Promise<number> {
    const pid = this.child?.pid;
    if (pid === undefined) return 0;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const hwm = kib(status, 'VmHWM');
    this.lastHwm = Math.max(this.lastHwm, hwm);
    this.peak = Math.max(this.peak, hwm);
    return kib(status, 'VmRSS');
  }

  /** SIGKILLs the process as a fault (an OOM kill or node loss would); the restart follows. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await this.sample();
    this.killing = true;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Resolves once a restart that is due has happened (the new process is spawned, not necessarily answering). */
  async settled(): Promise<void> {
    await this.restarts;
  }

  /** SIGTERM, as a rollout would, and no restart. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.restarts.catch(() => undefined);
    const child = this.child;
    if (!child) return;
    await this.sample();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
