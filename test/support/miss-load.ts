import type { LivePod } from './kwok-pods.js';

/** One answer of the load: when it finished, how long it took, and whether it was a 2xx. */
export type AnswerListener = (finishedAt: number, ms: number, ok: boolean) => void;

/**
 * Resizer cache misses spread round-robin over every live pod, as a Service
 * would, `connections` at a time (a closed loop: each connection sends its
 * next request when the last is answered). Every request is a new URL: a
 * random width and quality of one photo, JPEG. Counts what each pod served.
 */
export function missLoad(
  pods: () => LivePod[],
  photoId: string,
  connections: number,
  onAnswer: AnswerListener = () => undefined,
) {
  let loading = true;
  const served = new Map<string, number>();
  const worker = async (offset: number) => {
    for (let i = offset; loading; i += 1) {
      const live = pods();
      const pod = live[i % Math.max(1, live.length)];
      if (!pod) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const w = 200 + Math.floor(Math.random() * 1400);
      const q = 50 + Math.floor(Math.random() * 45);
      const started = performance.now();
      const res = await fetch(`http://${pod.ip}:8080/v1/photos/${photoId}?w=${w}&q=${q}&fmt=jpeg`).catch(
        () => undefined,
      );
      await res?.arrayBuffer();
      onAnswer(Date.now(), performance.now() - started, res?.ok ?? false);
      if (res?.ok) served.set(pod.name, (served.get(pod.name) ?? 0) + 1);
    }
  };
  const running = Promise.all(Array.from({ length: connections }, (_, i) => worker(i)));
  return {
    served,
    async stop() {
      loading = false;
      await running;
    },
  };
}
