import { afterEach, describe, expect, it } from 'vitest';
import { badRequest, forbidden, HttpError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { QueueUnavailableError } from '../queue/queue.js';
import { StorageUnavailableError } from '../storage/storage.js';
import { ReadinessMonitor } from './readiness.js';
import { createHttpService, type HttpService } from './server.js';

const log = createLogger({ level: 'silent' });
let service: HttpService;

async function start(ready: () => void) {
  const readiness = new ReadinessMonitor([{ name: 'dep', check: ready }], log);
  await readiness.start();
  service = createHttpService({
    log,
    registry: createMetricsRegistry(),
    readiness,
    routes: (app) => {
      app.get('/teapot', () => {
        throw new HttpError(418, 'teapot', 'short and stout');
      });
      app.get('/boom', () => {
        throw new Error('secret internals');
      });
      app.get('/storage', () => {
        throw new StorageUnavailableError('filesystem storage: EIO /var/lib/secret');
      });
      app.get('/queue', () => {
        throw new QueueUnavailableError('not connected to amqp://user:pass@broker');
      });
      app.get('/forbidden', () => {
        throw forbidden('signature_invalid', 'no');
      });
      app.get('/immutable-then-failed', (_req, res) => {
        res.set('Cache-Control', 'public, max-age=31536000, immutable');
        throw badRequest('bad_parameter', 'w: no');
      });
    },
    errorMaxAgeSeconds: 7,
  });
  const { port, adminPort } = await service.listen({ port: 0, adminPort: 0, host: '127.0.0.1' });
  readiness.stop();
  return { url: `http://127.0.0.1:${port}`, admin: `http://127.0.0.1:${adminPort}` };
}

afterEach(() => service.close());

describe('createHttpService', () => {
  it("writes each error's own status and {error:{code,message}}, hiding internals", async () => {
    const { url } = await start(() => undefined);
    const answers = await Promise.all(
      ['/teapot', '/boom', '/storage', '/queue', '/nope'].map(async (path) => {
        const res = await fetch(url + path);
        return [res.status, await res.json()];
      }),
    );
    expect(answers).toEqual([
      [418, { error: { code: 'teapot', message: 'short and stout' } }],
      [500, { error: { code: 'internal', message: 'internal server error' } }],
      [503, { error: { code: 'storage_unavailable', message: 'storage is unavailable' } }],
      [503, { error: { code: 'queue_unavailable', message: 'the queue is unavailable' } }],
      [404, { error: { code: 'not_found', message: 'no route for GET /nope' } }],
    ]);
  });

  it('gives every error the Cache-Control its caching calls for, replacing what the handler set', async () => {
    const { url } = await start(() => undefined);
    const paths = ['/teapot', '/boom', '/storage', '/queue', '/nope', '/forbidden', '/immutable-then-failed'];
    const answers = await Promise.all(
      paths.map(async (path) => {
        const res = await fetch(url + path);
        return [path, res.status, res.headers.get('cache-control')];
      }),
    );
    expect(answers).toEqual([
      ['/teapot', 418, 'no-store'],
      ['/boom', 500, 'no-store'],
      ['/storage', 503, 'no-store'],
      ['/queue', 503, 'no-store'],
      ['/nope', 404, 'public, max-age=7'],
      ['/forbidden', 403, 'public, max-age=7'],
      ['/immutable-then-failed', 400, 'public, max-age=7'],
    ]);
  });

  it('answers /healthz always and /readyz from the dependency checks', async () => {
    const { admin } = await start(() => {
      throw new Error('dep is down');
    });
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    const ready = await fetch(`${admin}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ dependencies: { dep: { ok: false, error: 'dep is down' } } });
    expect(await (await fetch(`${admin}/metrics`)).text()).toContain('enlarger_process_cpu_seconds_total');
  });

  it('keeps probes and metrics off the public port', async () => {
    const { url } = await start(() => undefined);
    const answers = await Promise.all(
      ['/healthz', '/readyz', '/metrics'].map(async (p) => (await fetch(url + p)).status),
    );
    expect(answers).toEqual([404, 404, 404]);
  });
});

describe('draining', () => {
  it('closes keep-alive connections after their response, so a closed-loop client loses no request', async () => {
    const { url } = await start(() => undefined);
    let loading = true;
    let closingAt = Infinity;
    const failed: string[] = [];
    let closeHeaders = 0;
    const client = async () => {
      while (loading) {
        const started = Date.now();
        try {
          const res = await fetch(`${url}/teapot`);
          if (res.headers.get('connection') === 'close') closeHeaders += 1;
          await res.arrayBuffer();
        } catch (err) {
          // Refused once the server has stopped listening: the Service would send those elsewhere.
          if (started < closingAt) failed.push(String((err as Error).cause ?? err));
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await new Promise((r) => setTimeout(r, 200));
    closingAt = Date.now();
    await service.close();
    loading = false;
    await Promise.all(clients);
    expect(failed).toEqual([]);
    expect(closeHeaders).toBeGreaterThanOrEqual(4);
  });
});

describe('draining on SIGTERM (idle connections expire)', () => {
  it('leaves idle keep-alive connections to their clients, and loses no request on them', async () => {
    const { url } = await start(() => undefined);
    // Pooled sockets: a burst opens several, then single requests reuse them at odd
    // moments, until a Connection: close says this server is leaving (a Service would
    // send the next request to another pod).
    await Promise.all(Array.from({ length: 6 }, () => fetch(`${url}/teapot`).then((r) => r.arrayBuffer())));
    let leaving = false;
    const failed: string[] = [];
    const client = (async () => {
      while (!leaving) {
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
        await fetch(`${url}/teapot`)
          .then(async (r) => {
            leaving = r.headers.get('connection') === 'close';
            await r.arrayBuffer();
          })
          .catch((err: Error) => failed.push(String((err.cause as Error | undefined)?.message ?? err)));
      }
    })();
    await new Promise((r) => setTimeout(r, 150));
    const began = Date.now();
    await service.close('expire');
    const took = Date.now() - began;
    await client;
    expect(failed).toEqual([]);
    // The client retired its idle sockets itself, before the 5 s it was told (Keep-Alive: timeout=5).
    expect(took).toBeGreaterThan(500);
    expect(took).toBeLessThan(6500);
  });
});
