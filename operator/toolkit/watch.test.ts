import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundedWatch, WatchError } from './watch.js';

/** A local HTTP server standing in for the apiserver's watch endpoint. */
async function apiserver(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { kc, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('BoundedWatch', () => {
  let close: () => Promise<unknown> = () => Promise.resolve();
  afterEach(() => close());

  it('asks for timeoutSeconds and bookmarks, and reports events and a normal close', async () => {
    let query: URLSearchParams | undefined;
    const server = await apiserver((req, res) => {
      query = new URL(req.url ?? '', 'http://x').searchParams;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n`);
    });
    close = server.close;
    const seen: string[] = [];
    const hooks: string[] = [];
    const ended = new Promise<unknown>((resolve) => {
      void new BoundedWatch(server.kc, {
        onConnected: () => hooks.push('connected'),
        onEvent: () => hooks.push('event'),
        onEnded: () => hooks.push('ended'),
      }).watch('/api/v1/configmaps', { resourceVersion: '7' }, (type) => seen.push(type), resolve);
    });
    expect(await ended).toBeNull();
    expect(seen).toEqual(['ADDED']);
    expect(hooks).toEqual(['connected', 'event', 'ended']);
    expect(Object.fromEntries(query ?? [])).toMatchObject({
      watch: 'true',
      allowWatchBookmarks: 'true',
      resourceVersion: '7',
    });
    expect(Number(query?.get('timeoutSeconds'))).toBeGreaterThanOrEqual(300);
    expect(Number(query?.get('timeoutSeconds'))).toBeLessThan(600);
  });

  it("ends a 429 with the status and the server's Retry-After", async () => {
    const server = await apiserver((_req, res) => {
      res.writeHead(429, { 'retry-after': '2' });
      res.end('{"kind":"Status","code":429}');
    });
    close = server.close;
    const err = await new Promise<unknown>((resolve) => {
      void new BoundedWatch(server.kc, { onConnected() {}, onEvent() {}, onEnded() {} }).watch(
        '/api/v1/configmaps',
        {},
        () => undefined,
        resolve,
      );
    });
    expect(err).toBeInstanceOf(WatchError);
    expect(err).toMatchObject({ statusCode: 429, retryAfterMs: 2_000 });
  });

  it('ends a watch whose resourceVersion was compacted (an ERROR event with 410) as a 410', async () => {
    const server = await apiserver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const gone = {
        kind: 'Status',
        code: 410,
        reason: 'Expired',
        message: 'too old resource version: 5 (9)',
      };
      res.end(`${JSON.stringify({ type: 'ERROR', object: gone })}\n`);
    });
    close = server.close;
    const seen: string[] = [];
    const err = await new Promise<unknown>((resolve) => {
      void new BoundedWatch(server.kc, { onConnected() {}, onEvent() {}, onEnded() {} }).watch(
        '/api/v1/configmaps',
        { resourceVersion: '5' },
        (type) => seen.push(type),
        resolve,
      );
    });
    expect(seen).toEqual(['ERROR']);
    expect(err).toBeInstanceOf(WatchError);
    expect(err).toMatchObject({ statusCode: 410 });
  });

  it('ends, without crashing the process, when the connection is reset mid-stream', async () => {
    const server = await apiserver((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n`);
      setTimeout(() => res.socket?.destroy(), 50);
    });
    close = server.close;
    const err = await new Promise<unknown>((resolve) => {
      void new BoundedWatch(server.kc, { onConnected() {}, onEvent() {}, onEnded() {} }).watch(
        '/api/v1/configmaps',
        {},
        () => undefined,
        resolve,
      );
    });
    expect(err).toBeInstanceOf(Error);
  });
});
