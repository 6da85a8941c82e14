import { Command } from 'commander';
import { messageOf } from '../../lib/errors.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { signPath } from '../../services/resizer/request/signature.js';

/**
 * `enlarger sign-url /v1/photos/ID?w=400`: prints the URL signed with the
 * first of SIGNING_KEYS, the key the resizer signs with.
 */
export const signUrlCommand = () =>
  new Command('sign-url')
    .description('sign a resizer path and query with the first of SIGNING_KEYS')
    .argument('<path-and-query>', 'for example "/v1/photos/ID?w=400&fmt=webp"')
    .option('--base <url>', 'prefix the printed path with this origin, e.g. http://localhost:8081')
    .action((pathAndQuery: string, options: { base?: string }) => {
      try {
        const [key] = loadResizerConfig(process.env).handler.signingKeys;
        if (!key) throw new Error('SIGNING_KEYS is empty: there is no key to sign with');
        if (!pathAndQuery.startsWith('/'))
          throw new Error(`expected a path starting with /, got ${pathAndQuery}`);
        const origin = options.base?.replace(/\/$/, '') ?? '';
        process.stdout.write(`${origin}${signPath(key, pathAndQuery)}\n`);
      } catch (err) {
        process.stderr.write(`sign-url: ${messageOf(err)}\n`);
        process.exitCode = 2;
      }
    });
