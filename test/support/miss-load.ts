import type { LivePod } from './kwok-pods.js';

/** Where the load goes: a pod, or a Service's ClusterIP (port 80 then). */
export type MissTarget = Pick<LivePod, 'name' | 'ip'> & { port?: number };

/** Path and query of a request; a signed platform's URLs carry the signature. */
export type UrlOf = (pathname: string, params: Record<string, string>) => string;

const unsigned: UrlOf = (pathname, params) => `${pathname}?${new URLSearchParams(params).toString()}`;

/**
 * One answer of the load: when it finished, how long it took, whether it was a
 * 2xx, and what came back: the status, or the error's code when none did.
 */
export type AnswerListener = (finishedAt: number, ms: number, ok: boolean, outcome: string) => void;

/** fetch's failure by its cause's code (ECONNRESET, UND_ERR_SOCKET), else its message. */
const errorCode = (err: Error): string => {
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? err.message;
};

/**
 * Resizer cache misses spread round-robin over every live pod, as a Service
 * would, `connections` at a time (a closed loop: each connection sends its
 * next request when the last is answered). Every request is a new URL: a
 * random width and quality of one photo, JPEG. Counts what each target served.
 */
export function missLoad(
  pods: () => MissTarget[],
  photoId: string,
  connections: number,
  onAnswer: AnswerListener = () => undefined,
  urlOf: UrlOf = unsigned,
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
      const url = urlOf(`/v1/photos/${photoId}`, { w: String(w), q: String(q), fmt: 'jpeg' });
      let outcome = '';
      const res = await fetch(`http://${pod.ip}:${pod.port ?? 8080}${url}`).catch((err: Error) => {
        outcome = errorCode(err);
        return undefined;
      });
      // A body cut short fails here, after the status.
      const body = await res?.arrayBuffer().catch((err: Error) => {
        outcome = `${res.status}, body: ${errorCode(err)}`;
      });
      const ok = (res?.ok ?? false) && body !== undefined;
      onAnswer(Date.now(), performance.now() - started, ok, outcome || String(res?.status));
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
