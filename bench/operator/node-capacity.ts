import type { CoreV1Api } from '@kubernetes/client-node';

/**
 * Makes room for `extraPods` more pods on the kwok node, which `make
 * cluster-up` registers with room for 250. Returns a function that puts the
 * original capacity back. kwok fakes the node, so its capacity is just a number.
 */
export async function makeRoomForPods(core: CoreV1Api, extraPods: number): Promise<() => Promise<void>> {
  const nodes = await core.listNode({ labelSelector: 'type=kwok' });
  const node = nodes.items[0];
  if (!node?.metadata?.name) throw new Error('no kwok node: run `make cluster-up` (or `make deps`)');
  const name = node.metadata.name;
  const original = node.status?.allocatable?.pods ?? '0';
  const running = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` })).items
    .length;
  const needed = running + extraPods;
  const setPods = (pods: string) =>
    core.patchNodeStatus({
      name,
      body: [
        { op: 'replace', path: '/status/capacity/pods', value: pods },
        { op: 'replace', path: '/status/allocatable/pods', value: pods },
      ],
    });
  if (needed <= Number(original)) return () => Promise.resolve();
  await setPods(String(needed));
  return async () => {
    await setPods(original);
  };
}
