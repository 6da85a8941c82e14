/**
 * How a service stops, in one place: the HTTP bootstrap and the shutdown
 * handler use these, and the operator sizes each pod's grace period from them,
 * so a pod is never killed while the process is still draining as designed.
 */

/** How long an HTTP server lets requests in flight finish after SIGTERM before it cuts their connections. */
export const HTTP_DRAIN_TIMEOUT_MS = 25_000;

/** How long a whole shutdown (HTTP drain, queue close, clients) may take before the process exits 1. */
export const SHUTDOWN_TIMEOUT_MS = 30_000;
