import type { CoreV1Api } from '@kubernetes/client-node';

const RESOURCES = ['pods', 'cpu', 'memory'] as const;

/**
 * Grows the kwok node so that `extraPods` more pods fit, as if the cluster had
 * as many more such nodes: `make cluster-up` registers one node with room for
 * 250 pods and 64 CPUs of requests, and 100 platforms need more. kwok fakes
 * the node, so its capacity is just numbers. Returns a function that puts the
 * original capacity back.
 */
export async function makeRoomForPods(core: CoreV1Api, extraPods: number): Promise<() => Promise<void>> {
  const node = (await core.listNode({ labelSelector: 'type=kwok' })).items[0];
  const name = node?.metadata?.name;
  const original = node?.status?.capacity;
  if (!name || !original) throw new Error('no kwok node: run `make cluster-up` (or `make deps`)');
  const running = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` })).items
    .length;
  const factor = Math.ceil((running + extraPods) / Number(original.pods));
  if (factor <= 1) return () => Promise.resolve();

  const setCapacity = (capacity: Record<string, string>) =>
    core.patchNodeStatus({
      name,
      body: RESOURCES.flatMap((r) => [
        { op: 'replace', path: `/status/capacity/${r}`, value: capacity[r] },
        { op: 'replace', path: `/status/allocatable/${r}`, value: capacity[r] },
      ]),
    });
  await setCapacity({
    pods: String(Number(original.pods) * factor),
    cpu: String(Number(original.cpu) * factor),
    memory: `${Number.parseInt(original.memory!, 10) * factor}${original.memory!.replace(/^\d+/, '')}`,
  });
  return async () => {
    await setCapacity(original);
  };
}
