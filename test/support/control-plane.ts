import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { freePort, killAndWait } from './processes.js';
import { eventually } from './wait.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** Where scripts/build-tools.sh caches the etcd and kube-apiserver of scripts/versions.env. */
export function controlPlaneBinaries(): { etcd: string; apiserver: string } {
  const versions = Object.fromEntries(
    readFileSync(path.join(REPO, 'scripts/versions.env'), 'utf8')
      .split('\n')
      .flatMap((l) => {
        const m = /^([A-Z0-9_]+)=(\S+)/.exec(l);
        return m ? [[m[1], m[2]]] : [];
      }),
  ) as Record<string, string>;
  const bin = path.join(process.env.ENLARGER_CACHE ?? path.join(homedir(), '.cache/enlarger'), 'bin');
  return {
    etcd: path.join(bin, `etcd-${versions.ETCD_VERSION}`, 'etcd'),
    apiserver: path.join(bin, `kube-${versions.K8S_VERSION}`, 'kube-apiserver'),
  };
}

export const controlPlaneBuilt = () => Object.values(controlPlaneBinaries()).every((p) => existsSync(p));

/**
 * An etcd and a kube-apiserver of the test's own, on free ports, started with
 * the flags scripts/cluster.sh uses: fault tests kill, stop and compact it
 * without touching the shared cluster.
 */
export interface ControlPlane {
  /** A kubeconfig file for `server` (default: the apiserver itself; pass a proxy's URL to go through it). */
  kubeconfigFile(server?: string): string;
  kubeConfig(server?: string): KubeConfig;
  apiserverPort: number;
  apiserver(): ChildProcess;
  /** SIGKILLs the apiserver; `startApiserver` brings it back on the same port. */
  killApiserver(): Promise<void>;
  startApiserver(): Promise<void>;
  /** Resolves once /readyz answers 200. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Runs kubectl against this control plane. */
  kubectl(...args: string[]): string;
  /** Compacts etcd's history up to its current revision; returns that revision. */
  compact(): Promise<number>;
  stop(): Promise<void>;
}

export async function startControlPlane(): Promise<ControlPlane> {
  const { etcd: etcdBin, apiserver: apiserverBin } = controlPlaneBinaries();
  const dir = mkdtempSync(path.join(tmpdir(), 'enlarger-cp-'));
  const pki = path.join(dir, 'pki');
  await run(path.join(REPO, 'scripts/pki.sh'), [pki]);
  const [etcdPort, peerPort, apiserverPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  /** Spawns with stderr appended to `log` (the parent's copy of the descriptor is closed at once). */
  const spawnLogged = (bin: string, args: string[], log: string) => {
    const fd = openSync(log, 'a');
    try {
      return spawn(bin, args, { stdio: ['ignore', 'ignore', fd] });
    } finally {
      closeSync(fd);
    }
  };

  const etcd = spawnLogged(
    etcdBin,
    [
      '--name=fault',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=fault=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=error',
    ],
    path.join(dir, 'etcd.log'),
  );
  await eventually(async () => (await fetch(`${etcdUrl}/health`)).ok, {
    timeoutMs: 30_000,
    what: 'etcd /health',
  });

  let apiserver: ChildProcess | undefined;
  const apiserverLog = path.join(dir, 'apiserver.log');
  const startApiserver = async () => {
    apiserver = spawnLogged(
      apiserverBin,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiserverPort}`,
        `--tls-cert-file=${pki}/apiserver.crt`,
        `--tls-private-key-file=${pki}/apiserver.key`,
        `--client-ca-file=${pki}/ca.crt`,
        `--service-account-key-file=${pki}/sa.pub`,
        `--service-account-signing-key-file=${pki}/sa.key`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--authorization-mode=RBAC',
        '--enable-priority-and-fairness=false',
        '--v=0',
      ],
      // Appended across restarts; its tail is in the error when /readyz never answers.
      apiserverLog,
    );
    await waitReady().catch((err: Error) => {
      const tail = readFileSync(apiserverLog, 'utf8').split('\n').slice(-20).join('\n');
      throw new Error(`${err.message}\nkube-apiserver's log ends:\n${tail}`);
    });
  };
  const tls = () => ({
    ca: readFileSync(`${pki}/ca.crt`),
    cert: readFileSync(`${pki}/admin.crt`),
    key: readFileSync(`${pki}/admin.key`),
  });
  const readyz = () =>
    new Promise<boolean>((resolve) => {
      const req = https.get(
        { host: '127.0.0.1', port: apiserverPort, path: '/readyz', ...tls(), timeout: 2_000 },
        (res) => (res.resume(), resolve(res.statusCode === 200)),
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => (req.destroy(), resolve(false)));
    });
  const waitReady = (timeoutMs = 90_000) =>
    eventually(readyz, { timeoutMs, intervalMs: 100, what: 'kube-apiserver /readyz' }).then(() => undefined);

  const kubeconfigFile = (server = `https://127.0.0.1:${apiserverPort}`) => {
    const file = path.join(dir, `kubeconfig-${new URL(server).port}`);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fault', cluster: { server, 'certificate-authority': `${pki}/ca.crt` } }],
        users: [
          {
            name: 'admin',
            user: { 'client-certificate': `${pki}/admin.crt`, 'client-key': `${pki}/admin.key` },
          },
        ],
        contexts: [{ name: 'fault', context: { cluster: 'fault', user: 'admin', namespace: 'default' } }],
        'current-context': 'fault',
      }),
    );
    return file;
  };

  await startApiserver();
  return {
    apiserverPort,
    kubeconfigFile,
    kubeConfig(server) {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigFile(server));
      return kc;
    },
    apiserver: () => apiserver!,
    async killApiserver() {
      await killAndWait(apiserver!, 'SIGKILL');
    },
    startApiserver,
    waitReady,
    kubectl: (...args) =>
      execFileSync('kubectl', args, {
        cwd: REPO,
        env: { ...process.env, KUBECONFIG: kubeconfigFile() },
        encoding: 'utf8',
      }),
    async compact() {
      const post = async (api: string, body: unknown) =>
        (await (
          await fetch(`${etcdUrl}/v3/${api}`, { method: 'POST', body: JSON.stringify(body) })
        ).json()) as {
          header: { revision: string };
        };
      const revision = Number(
        (await post('kv/range', { key: Buffer.from('/').toString('base64') })).header.revision,
      );
      await post('kv/compaction', { revision, physical: true });
      return revision;
    },
    async stop() {
      if (apiserver) await killAndWait(apiserver, 'SIGKILL');
      await killAndWait(etcd, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A TCP proxy (in front of the apiserver, or a broker that comes up late) whose traffic can be stalled: bytes
 * stop flowing both ways while the connections stay open, as through a hung
 * network path. New connections are accepted and stalled too.
 */
export interface StallableProxy {
  url: string;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

/** A proxy to 127.0.0.1:`targetPort`, listening on `port` (default: a free one). */
export async function startProxy(targetPort: number, port?: number): Promise<StallableProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    if (stalled) {
      client.pause();
      upstream.pause();
    }
  });
  port ??= await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${port}`,
    stall() {
      stalled = true;
      for (const s of sockets) s.pause();
    },
    resume() {
      stalled = false;
      for (const s of sockets) s.resume();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
