import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import type { Storage } from '../../lib/storage/storage.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { createResizerService, type ResizerService } from '../../services/resizer/service.js';

/** A resizer listening on a free loopback port, configured by env-style overrides. */
export interface RunningResizer {
  url: (pathAndQuery: string) => string;
  /** A URL on the admin port: probes and metrics. */
  adminUrl: (path: string) => string;
  service: ResizerService;
  /** Current value of a counter or gauge from /metrics, summed over its labels. */
  metric: (name: string) => Promise<number>;
  stop: () => Promise<void>;
}

export async function startResizer(
  storage: Storage,
  env: Record<string, string> = {},
): Promise<RunningResizer> {
  const config = loadResizerConfig({
    RESIZER_PORT: '0',
    RESIZER_ADMIN_PORT: '0',
    RESIZER_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const service = createResizerService({
    config,
    storage,
    registry: createMetricsRegistry(),
    log: createLogger({ level: config.logLevel }),
  });
  const address = await service.start();
  const base = `http://127.0.0.1:${address.port}`;
  const admin = `http://127.0.0.1:${address.adminPort}`;
  return {
    service,
    url: (pathAndQuery) => `${base}${pathAndQuery}`,
    adminUrl: (path) => `${admin}${path}`,
    async metric(name) {
      const text = await (await fetch(`${admin}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    },
    stop: () => service.stop(),
  };
}
