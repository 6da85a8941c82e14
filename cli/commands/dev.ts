import { Command } from 'commander';
import { runService } from './run-service.js';

/**
 * `enlarger dev`: every service in one process on the filesystem store
 * (DATA_DIR, default ./data) and the in-process queue. No infrastructure needed.
 */
export const devCommand = () =>
  new Command('dev')
    .description('run all services in one process on ./data, no infrastructure')
    // Imported when run, so other subcommands don't load sharp and the AWS SDK.
    .action(() => runService('dev', async () => (await import('./dev-run.js')).runDev(process.env)));
