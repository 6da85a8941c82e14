import { once } from 'node:events';
import type { Server } from 'node:http';
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

/** The bound public address, plus the admin port (probes and metrics). */
export type Listening = AddressInfo & { adminPort: number };

/** A public express app and an admin app (probes, metrics), each bound to its own port on `listen`. */
export interface HttpService {
  app: Express;
  listen(options: ListenOptions): Promise<Listening>;
  /** Binds only the admin port, for a worker with no public API (the converter). */
  listenAdmin(options: { adminPort: number; host?: string }): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then resolves. */
  close(): Promise<void>;
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
    async close() {
      // The public server drains first; the admin port keeps answering probes meanwhile.
      for (const server of servers.splice(0))
        await drain(server, options.drainTimeoutMs ?? HTTP_DRAIN_TIMEOUT_MS);
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
    await once(server, 'listening');
    return server.address() as AddressInfo;
  }
}

async function drain(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets with no request in flight would hold close() open forever.
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  await closed;
  clearTimeout(timer);
}
