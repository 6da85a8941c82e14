import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { ReadinessMonitor } from './readiness.js';

/**
 * `/healthz`: the process answers (liveness, never checks dependencies, so a
 * storage outage does not get every pod restarted). `/readyz`: the last probe
 * of every dependency passed. `/metrics`: the Prometheus registry.
 */
export function healthRoutes(readiness: ReadinessMonitor, registry: Registry): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const ready = readiness.ready();
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', dependencies: readiness.snapshot() });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
