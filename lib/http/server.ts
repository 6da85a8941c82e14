import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
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
}

/** An express app with probes, metrics, request logs and error mapping, bound to a port on `listen`. */
export interface HttpService {
  app: Express;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish (up to the drain timeout), then resolves. */
  close(): Promise<void>;
}

/** The bootstrap every service shares: `/healthz`, `/readyz`, `/metrics`, logs and one error mapper. */
export function createHttpService(options: HttpServiceOptions): HttpService {
  const { log, registry, readiness } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(log));
  app.use(healthRoutes(readiness, registry));
  options.routes(app);
  app.use(notFoundHandler);
  app.use(errorMiddleware(log));

  let server: Server | undefined;
  return {
    app,
    async listen(port, host) {
      server = host === undefined ? app.listen(port) : app.listen(port, host);
      if (options.timeouts) {
        server.headersTimeout = options.timeouts.headersMs;
        server.requestTimeout = Math.max(options.timeouts.requestMs, options.timeouts.headersMs);
      }
      await once(server, 'listening');
      const address = server.address() as AddressInfo;
      log.info({ port: address.port, host: address.address }, 'listening');
      return address;
    },
    async close() {
      if (!server?.listening) return;
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      // Keep-alive sockets with no request in flight would hold close() open forever.
      server.closeIdleConnections();
      const timer = setTimeout(() => server?.closeAllConnections(), options.drainTimeoutMs ?? 25_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
