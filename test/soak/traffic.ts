import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { signPath } from '../../services/resizer/request/signature.js';
import { MISS_WIDTHS, missWidth } from '../support/miss-mix.js';

/** Which answer a request got, for the tallies: service, what was asked, status (0: no answer) and error code. */
export interface Outcome {
  service: 'media' | 'resizer';
  endpoint: 'upload' | 'status' | 'resize';
  status: number;
  code: string;
  atSeconds: number;
}

/** 503 codes that mean "too busy, retry": shedding by design, not a failure. */
export const SHED_CODES = new Set(['overloaded', 'too_many_uploads']);

/** Every answer, counted by service, endpoint, status and code, with when each 5xx came. */
export class Tally {
  readonly counts = new Map<string, number>();
  readonly serverErrors: Outcome[] = [];

  add(o: Outcome): void {
    const key = `${o.service} ${o.endpoint} ${o.status} ${o.code}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (o.status >= 500 || o.status === 0) this.serverErrors.push(o);
  }
}

/** Sends one request and records its outcome; the error code comes from the JSON body of a non-2xx answer. */
export async function call(
  tally: Tally,
  started: number,
  what: Pick<Outcome, 'service' | 'endpoint'>,
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<{ res?: Response; body?: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs) });
    const ok = res.status < 300;
    const body: unknown =
      ok && what.endpoint === 'resize' ? await res.arrayBuffer() : await res.json().catch(() => undefined);
    const code = ok ? '' : ((body as { error?: { code?: string } } | undefined)?.error?.code ?? '');
    tally.add({ ...what, status: res.status, code, atSeconds: (Date.now() - started) / 1000 });
    return { res, body, ms: performance.now() - t0 };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    const code = cause?.code ?? (err as Error).name;
    tally.add({ ...what, status: 0, code, atSeconds: (Date.now() - started) / 1000 });
    return { ms: performance.now() - t0 };
  }
}

/** The real photos, read once, cycled through by the uploads. */
export async function loadPhotos(
  dir: string,
  names: string[],
): Promise<Array<{ name: string; bytes: Buffer }>> {
  return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(path.join(dir, name)) })));
}

/**
 * The n-th resize of the soak: a URL never asked before (so every request is
 * a cache miss, the resizer's expensive path), width 160–1600 px, JPEG or
 * WebP, spread over the ready photos, signed as a site would sign it.
 */
export function resizeUrl(key: string, photoIds: readonly string[], n: number): string {
  const id = photoIds[n % photoIds.length]!;
  const width = missWidth(n);
  const quality = 50 + (Math.floor(n / MISS_WIDTHS) % 45);
  const format = n % 2 === 0 ? 'jpeg' : 'webp';
  return signPath(key, `/v1/photos/${id}?w=${width}&fmt=${format}&q=${quality}`);
}

/** Resizes sent by connections that each wait for their answer: the flat-out capacity run. */
export async function closedLoop(
  seconds: number,
  connections: number,
  send: () => Promise<{ ok: boolean; ms: number }>,
): Promise<{ ok: number; latencies: number[]; seconds: number }> {
  const until = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const { ok, ms } = await send();
        if (ok) latencies.push(ms);
      }
    }),
  );
  return { ok: latencies.length, latencies, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Sends at `rate` per second whatever the answers do (an open loop, as
 * independent browsers behind a CDN would), with at most `maxInFlight`
 * outstanding so the load generator itself stays bounded; requests it had
 * to skip are counted, not sent.
 */
export function openLoop(rate: number, maxInFlight: number, send: (n: number) => Promise<unknown>) {
  let sent = 0;
  let skipped = 0;
  let inFlight = 0;
  let running = true;
  const pending = new Set<Promise<unknown>>();
  const t0 = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    while (running && sent + skipped < due) {
      if (inFlight >= maxInFlight) {
        skipped++;
        continue;
      }
      const n = sent++;
      inFlight++;
      const p = send(n).finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
  }, 10);
  return {
    get sent() {
      return sent;
    },
    get skipped() {
      return skipped;
    },
    async stop(): Promise<void> {
      running = false;
      clearInterval(timer);
      await Promise.all([...pending]);
    },
  };
}
