import { Command } from 'commander';
import { runMedia } from '../../services/media/main.js';
import { runService } from './run-service.js';

/** `enlarger media`: the upload API on MEDIA_PORT (default 8080). */
export const mediaCommand = () =>
  new Command('media')
    .description('run the media (upload) service')
    .action(() => runService('media', () => runMedia(process.env)));
