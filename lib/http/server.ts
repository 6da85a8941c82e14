import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { HTTP_DRAIN_TIMEOUT_MS } from '../lifecycle/drain.js';
import type { Logger } from '../log/logger.js';
import { errorMiddleware, notFoundHandler } from './errors-middleware.js';
import { healthRoutes } from './health-routes.js';
import type { ReadinessMonitor } from './readiness.js';
import { requestLog } from './request-log.js';

export interface HttpServiceOptions {
  log: Logger;
  registry: Registry;
  readiness: ReadinessMonitor;
  /** Mounts the service's own routes between the probes and the error mapping. */
  routes: (app: Express) => void;
  /** How long in-flight requests may run after SIGTERM before connections are cut. */
  drainTimeoutMs?: number;
  /**
   * Node's defaults (60 s for headers, 300 s for the whole request) hold a
   * stalled client for minutes and cut a large slow upload short; a service
   * that takes big bodies sizes both from its byte limit.
   */
  timeouts?: { headersMs: number; requestMs: number };
  /** max-age of the errors a cache may keep (400, 403, 404, 422); the resizer's is configurable. */
  errorMaxAgeSeconds?: number;
}

/** Where a service listens: its public API, and the admin port of probes and metrics. */
export interface ListenOptions {
  port: number;
  host?: string;
  adminPort: number;
}

/**
 * What a drain does with keep-alive connections that are idle: `cut` closes
 * them once their clients have stopped sending (at most 1 s; tests, `dev`);
 * `expire` leaves each to the Keep-Alive timeout its client was told, so none
 * is closed under a client about to reuse it (SIGTERM, in a pod).
 */
export type IdleConnections = 'cut' | 'expire';

/** The bound public address, plus the admin port (probes and metrics). */
export type Listening = AddressInfo & { adminPort: number };

/** A public express app and an admin app (probes, metrics), each bound to its own port on `listen`. */
export interface HttpService {
  app: Express;
  listen(options: ListenOptions): Promise<Listening>;
  /** Binds only the admin port, for a worker with no public API (the converter). */
  listenAdmin(options: { adminPort: number; host?: string }): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then resolves. */
  close(idle?: IdleConnections): Promise<void>;
}

/**
 * The bootstrap every service shares. The public port carries only the API;
 * `/healthz`, `/readyz` and `/metrics` sit on a separate admin port, so a CDN
 * or an ingress in front of the API never exposes them, and a flood on the API
 * port cannot starve the kubelet's probes of a socket.
 */
export function createHttpService(options: HttpServiceOptions): HttpService {
  const { log, registry, readiness } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(log));
  options.routes(app);
  app.use(notFoundHandler);
  app.use(errorMiddleware(log, options.errorMaxAgeSeconds));

  const admin = express();
  admin.disable('x-powered-by');
  admin.use(healthRoutes(readiness, registry));
  admin.use(notFoundHandler);
  admin.use(errorMiddleware(log));

  const servers: Server[] = [];
  return {
    app,
    async listen({ port, host, adminPort }) {
      const publicAddress = await bind(app, port, host, options.timeouts);
      const adminAddress = await bind(admin, adminPort, host);
      log.info(
        { port: publicAddress.port, adminPort: adminAddress.port, host: publicAddress.address },
        'listening',
      );
      return { ...publicAddress, adminPort: adminAddress.port };
    },
    async listenAdmin({ adminPort, host }) {
      const adminAddress = await bind(admin, adminPort, host);
      log.info({ port: adminAddress.port, host: adminAddress.address, admin: true }, 'listening');
      return adminAddress;
    },
    async close(idle: IdleConnections = 'cut') {
      // The public server drains first; the admin port keeps answering probes meanwhile.
      for (const server of servers.splice(0))
        await drain(server, options.drainTimeoutMs ?? HTTP_DRAIN_TIMEOUT_MS, idle);
    },
  };

  async function bind(
    handler: Express,
    port: number,
    host: string | undefined,
    timeouts?: HttpServiceOptions['timeouts'],
  ): Promise<AddressInfo> {
    const server = host === undefined ? handler.listen(port) : handler.listen(port, host);
    if (timeouts) {
      server.headersTimeout = timeouts.headersMs;
      server.requestTimeout = Math.max(timeouts.requestMs, timeouts.headersMs);
    }
    servers.push(server);
    trackResponses(server);
    await once(server, 'listening');
    return server.address() as AddressInfo;
  }
}

/** Per server: the responses in flight, when the last one finished, and whether it is draining. */
interface DrainState {
  responses: Set<ServerResponse>;
  lastFinishedAt: number;
  draining: boolean;
}
const drains = new WeakMap<Server, DrainState>();

/** Ahead of the app's own listener, so a response made synchronously still carries the drain's header. */
function trackResponses(server: Server): void {
  const state: DrainState = { responses: new Set(), lastFinishedAt: 0, draining: false };
  drains.set(server, state);
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (state.draining) res.setHeader('Connection', 'close');
    state.responses.add(res);
    res.once('close', () => {
      state.responses.delete(res);
      state.lastFinishedAt = Date.now();
    });
  });
}

/**
 * How long a `cut` drain lets keep-alive connections close themselves before
 * it closes the idle ones: at most LINGER_MS, and no longer than the
 * connections stay busy (a response in flight or finished within QUIET_MS: a
 * client between two requests).
 */
const LINGER_MS = 1000;
const QUIET_MS = 200;

async function drain(server: Server, timeoutMs: number, idle: IdleConnections): Promise<void> {
  if (!server.listening) return;
  // Keep-alive clients (a CDN, an ingress, the host through kube-proxy) keep
  // sending to a terminating pod over connections opened before it left the
  // endpoints, and closing one as the client reuses it fails that request
  // (the two-zone drain test lost 1-3 signed misses per run so, at each
  // resizer pod's SIGTERM). So every response from now on, and every one not
  // yet sent, says Connection: close: the client opens its next request on a
  // new connection, which the Service sends to a pod still serving.
  const state = drains.get(server);
  if (state) {
    state.draining = true;
    for (const res of state.responses) if (!res.headersSent) res.setHeader('Connection', 'close');
  }
  // Idle connections are the race that is left. `expire` waits for Node's own
  // keep-alive timer to close them: the client was told that timeout
  // (Keep-Alive: timeout=5) and retires the socket before it, so nothing is
  // closed under a request. server.close() would cut them at once.
  const expired = Date.now() + Math.min(server.keepAliveTimeout + 1000, timeoutMs);
  const lingerUntil = Date.now() + Math.min(LINGER_MS, timeoutMs);
  const busy = () => !state || state.responses.size > 0 || Date.now() - state.lastFinishedAt < QUIET_MS;
  const waiting = () => (idle === 'expire' ? Date.now() < expired : Date.now() < lingerUntil && busy());
  while (waiting() && (await connections(server)) > 0) await delay(25);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets with no request in flight would hold close() open forever.
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  await closed;
  clearTimeout(timer);
}

const connections = (server: Server) =>
  new Promise<number>((resolve) => server.getConnections((err, count) => resolve(err ? 0 : count)));
