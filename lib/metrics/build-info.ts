import { Gauge } from 'prom-client';
import type { BuildInfo } from '../build/version.js';
import type { Registry } from './registry.js';

/**
 * `enlarger_build_info{version,commit} 1`, the Prometheus convention for "what
 * is running": a dashboard joins on it, and an upgrade shows as the label
 * changing under the same pod series. Returns `registry`.
 */
export function registerBuildInfo(registry: Registry, info: BuildInfo): Registry {
  new Gauge({
    name: 'enlarger_build_info',
    help: 'The running build: package.json version and the git commit the image was built from.',
    labelNames: ['version', 'commit'],
    registers: [registry],
  }).set({ version: info.version, commit: info.commit }, 1);
  return registry;
}
