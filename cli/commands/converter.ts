import { Command } from 'commander';
import { runConverter } from '../../services/converter/main.js';
import { runService } from './run-service.js';

/** `enlarger converter`: the conversion worker, with probes and metrics on CONVERTER_PORT (default 8082). */
export const converterCommand = () =>
  new Command('converter')
    .description('run the converter (queue worker)')
    .action(() => runService('converter', () => runConverter(process.env)));
