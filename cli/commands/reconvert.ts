import { Command, InvalidArgumentError } from 'commander';
import { runService } from './run-service.js';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/**
 * `enlarger reconvert`: re-queues photos whose stored copies were made with
 * other converter settings (README, "Stored copies"). Reads the converter's
 * environment; run it again until it reports nothing stale.
 */
export const reconvertCommand = () =>
  new Command('reconvert')
    .description("queue ready photos whose stored copies predate the converter's settings, at most --limit")
    .option('--limit <n>', 'most photos to queue in this run', positiveInt, 1000)
    .action((options: { limit: number }) =>
      runService('reconvert', async () => {
        await (
          await import('../../services/converter/reconvert.js')
        ).runReconvert(process.env, options.limit);
      }),
    );
