import { Command } from 'commander';
import { runResizer } from '../../services/resizer/main.js';
import { runService } from './run-service.js';

/** `enlarger resizer`: the CDN origin on RESIZER_PORT (default 8081). */
export const resizerCommand = () =>
  new Command('resizer')
    .description('run the resizer (image CDN origin)')
    .action(() => runService('resizer', () => runResizer(process.env)));
