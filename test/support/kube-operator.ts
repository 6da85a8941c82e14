import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { testKubeConfig } from './cluster.js';
import { testEnv } from './env.js';
import { eventually } from './wait.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Typed clients on the test cluster (KUBECONFIG from `make deps` / `make cluster-up`). */
export function kubeClients() {
  const kc = testKubeConfig();
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    coordination: kc.makeApiClient(CoordinationV1Api),
  };
}

/** `kubectl` on the test cluster, as `make install` runs it. */
export function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, {
    cwd: repoRoot,
    env: { ...process.env, KUBECONFIG: testEnv().KUBECONFIG },
    encoding: 'utf8',
  });
}

/** Installs (or updates) the CRDs and waits until they are served. */
export async function installCrds(): Promise<void> {
  kubectl('apply', '--server-side', '--force-conflicts', '-f', 'crds/');
  await crdEstablished('crd/imageplatforms.enlarger.dev');
}

/**
 * Waits until the CRD `name` (`crd/<plural>.<group>`) is served. Polled
 * rather than `kubectl wait`: that fails at once ("accessor error") on a CRD
 * created so recently that the apiserver has written no status yet.
 */
export async function crdEstablished(name: string, timeoutMs = 30_000): Promise<void> {
  const established = '{.status.conditions[?(@.type=="Established")].status}';
  await eventually(() => kubectl('get', name, '-o', `jsonpath=${established}`) === 'True', {
    timeoutMs,
    intervalMs: 200,
    what: `${name} to be Established`,
  });
}

/** An operator process, as `make run` starts it. */
export interface OperatorProcess {
  identity: string;
  child: ChildProcess;
  /** Port of /healthz, /readyz, /metrics, once listening. */
  port: Promise<number>;
  /** Every log line so far. */
  lines: string[];
  /** Resolves with the first log line matching `pattern`, as soon as it is written. */
  waitForLine(pattern: RegExp): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface OperatorOptions {
  /** Operator settings added or overridden, e.g. `OPERATOR_RESYNC_SECONDS`. */
  env?: Record<string, string>;
  /** Run `enlarger operator` from dist/ (`make build` first), as the image does, instead of the sources through tsx. */
  cli?: boolean;
  /** A kubeconfig other than the shared cluster's: a fault test's own control plane, or a proxy in front of it. */
  kubeconfig?: string;
}

/**
 * Starts the operator watching only `namespace`, with its Lease there too,
 * so tests never see each other's (or a developer's) operator.
 */
export function startOperator(
  namespace: string,
  identity: string,
  { env = {}, cli = false, kubeconfig }: OperatorOptions = {},
): OperatorProcess {
  const args = cli ? ['dist/cli/main.js', 'operator'] : ['--import', 'tsx', 'operator/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      KUBECONFIG: kubeconfig ?? testEnv().KUBECONFIG,
      OPERATOR_WATCH_NAMESPACE: namespace,
      POD_NAMESPACE: namespace,
      POD_NAME: identity,
      OPERATOR_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const port = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      for (const w of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
      const match = /"port":(\d+).*"msg":"listening"/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
    child.once('exit', (code) =>
      reject(new Error(`operator ${identity} exited with ${code}:\n${lines.join('\n')}`)),
    );
  });
  port.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    identity,
    child,
    port,
    lines,
    waitForLine(pattern) {
      const seen = lines.find((l) => pattern.test(l));
      return seen !== undefined
        ? Promise.resolve(seen)
        : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
