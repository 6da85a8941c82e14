import type { RequestHandler } from 'express';
import type { Logger } from '../log/logger.js';

/** Paths probed every few seconds; logging them would drown everything else. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** One log line per request when the response finishes (or the client goes away). */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    if (QUIET_PATHS.has(req.path)) {
      next();
      return;
    }
    const start = process.hrtime.bigint();
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      log.info(
        {
          method: req.method,
          path: req.originalUrl,
          status: res.statusCode,
          ms: Math.round(ms),
          aborted: !res.writableFinished,
        },
        'request',
      );
    });
    next();
  };
}
