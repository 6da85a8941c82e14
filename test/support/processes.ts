import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { testEnv } from './env.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** Compiles the CLI to dist/ so services can run as real child processes. */
export async function buildCli(): Promise<void> {
  // tsc exits non-zero on a type error anywhere in the tree but still emits;
  // what matters here is that the CLI came out.
  await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO }).catch(() => undefined);
  if (!existsSync(path.join(REPO, 'dist/cli/main.js'))) throw new Error('building dist/cli/main.js failed');
}

/** Starts `enlarger <command>` as a child process with `env` added to ours. */
export function spawnCli(command: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [path.join(REPO, 'dist/cli/main.js'), command], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

/** Runs `enlarger <command> [args]` with `env` added to ours until it exits; its exit code and stderr. */
export async function runCliToExit(
  command: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.join(REPO, 'dist/cli/main.js'), command, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

/** Sends `signal` and resolves when the child has exited. */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** Runs one of the infrastructure scripts, e.g. `script('minio.sh', 'stop')`. */
export async function script(name: string, ...args: string[]): Promise<void> {
  await run(path.join(REPO, 'scripts', name), args, { cwd: REPO });
}

/** A TCP port nothing listens on right now, for a child process's HTTP server. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The value of an unlabelled gauge or counter from a Prometheus /metrics endpoint, or undefined. */
export async function metricValue(baseUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** A request to the RabbitMQ management API, with the credentials of RABBITMQ_MANAGEMENT_URL. */
export async function management(path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(testEnv().RABBITMQ_MANAGEMENT_URL);
  const auth = Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64');
  return fetch(`${url.origin}/api/${path}`, {
    ...init,
    headers: { ...init.headers, authorization: `Basic ${auth}` },
  });
}

/** Counters of a queue from the RabbitMQ management API. */
export async function queueCounters(queue: string): Promise<{ ready: number; unacked: number }> {
  const res = await management(`queues/%2F/${encodeURIComponent(queue)}`);
  if (!res.ok) throw new Error(`management API answered ${res.status}`);
  const q = (await res.json()) as { messages_ready?: number; messages_unacknowledged?: number };
  return { ready: q.messages_ready ?? 0, unacked: q.messages_unacknowledged ?? 0 };
}

/**
 * Open connections by client-given name (`connection_name`) to the broker's
 * own name for them. The management plugin lists a connection only after its
 * next stats tick (5 s by default), and drops a closed one the same way: poll.
 */
export async function brokerConnections(): Promise<Map<string, string>> {
  const res = await management('connections');
  if (!res.ok) throw new Error(`management API answered ${res.status}`);
  const list = (await res.json()) as Array<{
    name: string;
    client_properties?: { connection_name?: string };
  }>;
  return new Map(
    list.flatMap((c) =>
      c.client_properties?.connection_name ? [[c.client_properties.connection_name, c.name]] : [],
    ),
  );
}
