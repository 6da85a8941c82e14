import { afterAll, beforeAll } from 'vitest';
import { withNamespace } from './cluster.js';
import { uniqueName } from './env.js';
import { installCrds, kubeClients, startOperator, type OperatorOptions } from './kube-operator.js';
import { createSecrets, platformsIn } from './platforms.js';

/**
 * For a `describe` block: a namespace of its own with the platform Secrets
 * and one operator watching it, started before the block's tests and
 * stopped, with the namespace dropped, after them. Blocks that start,
 * kill or race operators themselves set up their namespace by hand.
 */
export function operatorNamespace(prefix: string, identity: string, options?: OperatorOptions) {
  const { kc, core, custom } = kubeClients();
  const ns = uniqueName(prefix);
  let stop: (() => Promise<unknown>) | undefined;
  let dropNamespace: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    await installCrds();
    dropNamespace = await withNamespace(kc, ns);
    await createSecrets(core, ns);
    const operator = startOperator(ns, identity, options);
    stop = () => operator.stop();
    await operator.port;
  });
  afterAll(async () => {
    await stop?.();
    await dropNamespace?.();
  });
  return { ns, platforms: platformsIn(custom, ns) };
}
