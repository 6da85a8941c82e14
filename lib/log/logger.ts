import { pino, type Logger, type LevelWithSilent } from 'pino';
import { z } from 'zod';

export type { Logger };

/** `LOG_LEVEL`, as every service and the operator read it: pino's levels, `info` unless set. */
export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] satisfies LevelWithSilent[])
  .default('info');

/**
 * The one logger. JSON lines on stdout, structured fields first:
 * `log.info({ photoId, ms }, 'converted')`. Children add a `component` field.
 */
export function createLogger(options: { level?: LevelWithSilent; name?: string } = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    name: options.name ?? 'enlarger',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
