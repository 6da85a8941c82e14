import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { Watch } from '@kubernetes/client-node';

/** A watch that ended with an HTTP answer other than 200, or without one. */
export class WatchError extends Error {
  constructor(
    message: string,
    /** The apiserver's status; client-node's ListWatch re-lists on 410. */
    readonly statusCode: number | undefined,
    /** From a 429's `Retry-After`, when the apiserver sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WatchError';
  }
}

/** What a {@link BoundedWatch} reports, for health and metrics. */
export interface WatchHooks {
  /** The apiserver answered 200: the watch is established. */
  onConnected(): void;
  /** Any line from the stream, bookmarks included. */
  onEvent(): void;
  /** The watch ended; `err` is null when the server closed it normally. */
  onEnded(err: unknown): void;
}

/** Headers must arrive within this: a stalled apiserver accepts TCP connections it never answers. */
const CONNECT_TIMEOUT_MS = 15_000;
/** Past `timeoutSeconds`, how long to wait for the server's own close before giving up on it. */
const CLOSE_GRACE_MS = 30_000;

/** 5–10 minutes, randomised as client-go's reflector does, so watches don't all restart together. */
export const watchTimeoutSeconds = (random = Math.random) => Math.floor(300 + random() * 300);

/**
 * client-node's Watch with what 1.4.0 lacks: `timeoutSeconds` is sent, so the
 * apiserver closes every watch within 5–10 minutes and a silently dead one is
 * replaced without waiting for TCP keepalive; the response headers must
 * arrive within {@link CONNECT_TIMEOUT_MS}; a 429's Retry-After is kept on
 * the error. (1.4.0 sets a 30 s timeout signal and then overwrites it.)
 */
export class BoundedWatch extends Watch {
  constructor(
    config: ConstructorParameters<typeof Watch>[0],
    private readonly hooks: WatchHooks,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error('No active cluster in the kubeconfig');
    const timeoutSeconds = watchTimeoutSeconds();
    const url = new URL(cluster.server + path);
    for (const [key, value] of Object.entries({
      ...queryParams,
      watch: true,
      allowWatchBookmarks: true,
      timeoutSeconds,
    }))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const options: https.RequestOptions = {};
    await this.config.applyToHTTPSOptions(options);

    const controller = new AbortController();
    let finished = false;
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(connectTimer);
      clearTimeout(lifeTimer);
      controller.abort();
      this.hooks.onEnded(err);
      done(err);
    };
    const connectTimer = setTimeout(
      () => finish(new WatchError(`no response to the watch within ${CONNECT_TIMEOUT_MS} ms`, undefined)),
      CONNECT_TIMEOUT_MS,
    );
    const lifeTimer = setTimeout(
      () =>
        finish(new WatchError(`the apiserver did not close the watch after ${timeoutSeconds} s`, undefined)),
      timeoutSeconds * 1000 + CLOSE_GRACE_MS,
    );

    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, { ...options, method: 'GET', signal: controller.signal }, (res) => {
      clearTimeout(connectTimer);
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        const message = `watch ${path} answered ${status} ${res.statusMessage ?? ''}`.trim();
        finish(new WatchError(message, status, retryAfterMs(res.headers['retry-after'])));
        return;
      }
      res.socket.setKeepAlive(true, 30_000);
      this.hooks.onConnected();
      // The apiserver reports a compacted resourceVersion as an ERROR event on a
      // 200 stream, then closes it: the watch ends as a 410, which is what ListWatch
      // re-lists on and what the restarts metric counts as expired.
      let expired: WatchError | null = null;
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      lines.on('line', (line) => {
        let data: { type: string; object: unknown };
        try {
          data = JSON.parse(line) as typeof data;
        } catch {
          return;
        }
        this.hooks.onEvent();
        const status = data.object as { code?: number; message?: string } | undefined;
        if (data.type === 'ERROR' && status?.code === 410)
          expired = new WatchError(`watch ${path} expired: ${status.message ?? '410 Gone'}`, 410);
        callback(data.type, data.object, data);
      });
      // readline re-emits the response's errors (a reset connection): unhandled, they would crash the process.
      lines.on('error', finish);
      res.on('error', finish);
      res.on('close', () => finish(expired));
    });
    request.on('error', finish);
    request.end();
    return controller;
  }
}

/** Milliseconds from a `Retry-After` header in seconds (the apiserver never sends a date). */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
