import { Command } from 'commander';
import { mallocReexecEnv } from '../allocator.js';
import { endWithParent, runAgain } from '../reexec.js';
import { runService } from './run-service.js';

/**
 * `enlarger dev`: every service in one process on the filesystem store
 * (DATA_DIR, default ./data) and the in-process queue. No infrastructure
 * needed. It runs itself again with the pods' malloc settings when they are
 * missing (cli/allocator.ts): without them the memory it held outside the V8
 * heap and Buffers grew 3.5× as fast under the fuzz mix (BENCHMARKS.md). The
 * child shuts down when the parent dies, SIGKILL included (cli/reexec.ts).
 */
export const devCommand = () =>
  new Command('dev')
    .description('run all services in one process on ./data, no infrastructure')
    // Imported when run, so other subcommands don't load sharp and the AWS SDK.
    .action(() =>
      runService('dev', async () => {
        const env = mallocReexecEnv(process.env);
        if (env) return runAgain(env);
        endWithParent();
        return (await import('./dev-run.js')).runDev(process.env);
      }),
    );
