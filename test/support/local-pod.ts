import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CoreV1Api, V1Container } from '@kubernetes/client-node';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

/**
 * The environment a kubelet would give `container` of a pod in `namespace`:
 * `envFrom` ConfigMaps and Secrets first, then `env`, whose entries win, with
 * `valueFrom` Secret and ConfigMap keys read from the apiserver. A missing
 * object or key throws, as the kubelet would refuse to start the container.
 */
export async function resolvePodEnv(
  core: CoreV1Api,
  namespace: string,
  container: V1Container,
): Promise<Record<string, string>> {
  const configMap = async (name: string) =>
    (await core.readNamespacedConfigMap({ namespace, name })).data ?? {};
  const secret = async (name: string) =>
    Object.fromEntries(
      Object.entries((await core.readNamespacedSecret({ namespace, name })).data ?? {}).map(([k, v]) => [
        k,
        decode(v),
      ]),
    );
  const pick = (data: Record<string, string>, key: string, from: string) => {
    const value = data[key];
    if (value === undefined) throw new Error(`${from} has no key "${key}"`);
    return value;
  };

  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef?.name) Object.assign(env, await configMap(source.configMapRef.name));
    if (source.secretRef?.name) Object.assign(env, await secret(source.secretRef.name));
  }
  for (const { name, value, valueFrom } of container.env ?? []) {
    const secretRef = valueFrom?.secretKeyRef;
    const configMapRef = valueFrom?.configMapKeyRef;
    if (secretRef?.name)
      env[name] = pick(await secret(secretRef.name), secretRef.key, `Secret ${secretRef.name}`);
    else if (configMapRef?.name)
      env[name] = pick(
        await configMap(configMapRef.name),
        configMapRef.key,
        `ConfigMap ${configMapRef.name}`,
      );
    else if (valueFrom) throw new Error(`${name}: only Secret and ConfigMap references are resolved here`);
    else env[name] = value ?? '';
  }
  return env;
}

/**
 * Runs the container's command line (`enlarger <args>`, from dist/: run
 * `buildCli()` first) as a local process with exactly `env`: nothing of the
 * test's own environment leaks in but PATH.
 */
export function runContainer(container: V1Container, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['dist/cli/main.js', ...(container.args ?? [])], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
