import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { z } from 'zod';

export type { Logger };

/** `LOG_LEVEL`, as every service and the operator read it: pino's levels, `info` unless set. */
export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] satisfies LevelWithSilent[])
  .default('info');

/**
 * `LOG_FORMAT`, as every service and the operator read it: `json` (one object
 * per line, for log collectors), `pretty` (for a person), or `auto` (the
 * default): pretty when stdout is a terminal, JSON otherwise, so containers
 * and piped output stay JSON without anyone setting it.
 */
export const logFormat = z
  .enum(['auto', 'json', 'pretty'], { message: 'must be auto, json or pretty' })
  .default('auto');
export type LogFormatSetting = z.infer<typeof logFormat>;

/** What `LOG_FORMAT` resolves to, given whether stdout is a terminal. */
export function chooseLogFormat(setting: LogFormatSetting, stdoutIsTty: boolean): 'json' | 'pretty' {
  if (setting === 'auto') return stdoutIsTty ? 'pretty' : 'json';
  return setting;
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  name?: string;
  /** `json` unless given: tests and tools that parse log lines keep getting JSON. */
  format?: LogFormatSetting;
}

/**
 * The one logger. Structured fields first: `log.info({ photoId, ms },
 * 'converted')`; children add a `component` field. JSON lines on stdout, or
 * pino-pretty's lines when the format resolves to `pretty`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const stdoutIsTty = process.stdout.isTTY === true;
  const format = chooseLogFormat(options.format ?? 'json', stdoutIsTty);
  const logger = pino(
    {
      level: options.level ?? 'info',
      name: options.name ?? 'enlarger',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    format === 'pretty' ? prettyStream(stdoutIsTty) : undefined,
  );
  return logger;
}

/**
 * pino-pretty in the main thread rather than as a worker transport: a dev
 * process's volume is small, and synchronous writes mean the last lines before
 * an exit (a startup failure, say) are never lost.
 */
function prettyStream(colorize: boolean): DestinationStream {
  return PinoPretty({
    colorize,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // One line per event, fields after the message: request lines stay scannable.
    singleLine: true,
    // `name` says which service in `enlarger dev`'s single stream; `component` likewise.
    messageFormat: '{if component}[{component}] {end}{msg}',
    ignore: 'component',
  });
}
