import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { freePort, killAndWait } from './processes.js';
import { eventually } from './wait.js';

const run = promisify(execFile);

/** `promtool <args>`, resolving with its output; a non-zero exit rejects with it. */
export async function promtool(binDir: string, ...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(path.join(binDir, 'promtool'), args);
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`, {
      cause: err,
    });
  }
}

/** One answer of /api/v1/query. */
export interface QueryResult {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

/** A Prometheus server of our own, on a free loopback port with a throwaway TSDB. */
export interface PrometheusServer {
  url: string;
  query(expr: string): Promise<QueryResult>;
  stop(): Promise<void>;
}

/**
 * Starts the cached Prometheus (scripts/prometheus.sh) with `config` (the
 * prometheus.yml, as an object) and `ruleFiles` (name → groups object),
 * and waits until it is ready.
 */
export async function startPrometheus(
  binDir: string,
  config: Record<string, unknown>,
  ruleFiles: Record<string, unknown> = {},
): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'enlarger-prometheus-'));
  for (const [name, groups] of Object.entries(ruleFiles))
    writeFileSync(path.join(dir, name), stringify(groups));
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    stringify({ ...config, rule_files: Object.keys(ruleFiles).map((n) => path.join(dir, n)) }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const child: ChildProcess = spawn(
    path.join(binDir, 'prometheus'),
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const stop = async () => {
    await killAndWait(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => child.exitCode === null && (await fetch(`${url}/-/ready`)).ok, {
      timeoutMs: 30_000,
      what: 'prometheus to be ready',
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log.join('')}`, { cause: err });
  }
  return {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        body: new URLSearchParams({ query: expr }),
      });
      return (await res.json()) as QueryResult;
    },
    stop,
  };
}
