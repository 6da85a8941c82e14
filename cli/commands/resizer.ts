import { Command } from 'commander';
import { runService } from './run-service.js';

/** `enlarger resizer`: the CDN origin on RESIZER_PORT (default 8081). */
export const resizerCommand = () =>
  new Command('resizer')
    .description('run the resizer (image CDN origin)')
    .action(() =>
      runService('resizer', async () =>
        (await import('../../services/resizer/main.js')).runResizer(process.env),
      ),
    );
