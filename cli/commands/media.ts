import { Command } from 'commander';
import { runService } from './run-service.js';

/** `enlarger media`: the upload API on MEDIA_PORT (default 8080). */
export const mediaCommand = () =>
  new Command('media')
    .description('run the media (upload) service')
    .action(() =>
      runService('media', async () => (await import('../../services/media/main.js')).runMedia(process.env)),
    );
