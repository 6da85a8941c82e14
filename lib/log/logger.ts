import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

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
