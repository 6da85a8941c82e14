import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { SHUTDOWN_TIMEOUT_MS } from './drain.js';

/** Something to close on shutdown, in the order given: the HTTP server first, then consumers, then clients. */
export interface ShutdownStep {
  name: string;
  close: () => Promise<void>;
}

/**
 * On SIGTERM or SIGINT, runs the steps one after another and exits 0; exits 1
 * if they take longer than `timeoutMs` (Kubernetes would SIGKILL us anyway)
 * or one throws. A second signal exits at once. Returns the shutdown function
 * so `main` can call it on a fatal error too.
 */
export function handleShutdown(
  log: Logger,
  steps: ShutdownStep[],
  options: { timeoutMs?: number; exit?: (code: number) => void } = {},
): (reason: string) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    if (running) return running;
    log.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out');
      exit(1);
    }, options.timeoutMs ?? SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    running = (async () => {
      let code = 0;
      for (const step of steps) {
        try {
          await step.close();
          log.info({ step: step.name }, 'closed');
        } catch (err) {
          code = 1;
          log.error({ step: step.name, error: messageOf(err) }, 'close failed');
        }
      }
      clearTimeout(timer);
      exit(code);
    })();
    return running;
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (running) exit(1);
      else void shutdown(signal);
    });
  }
  return shutdown;
}
