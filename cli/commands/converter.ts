import { Command } from 'commander';
import { runService } from './run-service.js';

/** `enlarger converter`: the conversion worker, with probes and metrics on CONVERTER_ADMIN_PORT (default 9092). */
export const converterCommand = () =>
  new Command('converter')
    .description('run the converter (queue worker)')
    .action(() =>
      runService('converter', async () =>
        (await import('../../services/converter/main.js')).runConverter(process.env),
      ),
    );
