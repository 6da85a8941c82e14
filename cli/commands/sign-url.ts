import { Command } from 'commander';
import { messageOf } from '../../lib/errors.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { parseRequest } from '../../services/resizer/request/parse.js';
import { signPath } from '../../services/resizer/request/signature.js';

/**
 * `enlarger sign-url /v1/photos/ID?w=400`: prints the URL signed with the
 * first of SIGNING_KEYS, the key the resizer signs with. The query is
 * checked as the resizer parses it first, so only a URL it serves is signed:
 * `fmt=auto` or `dpr=1` would sign a second URL for one output.
 */
export const signUrlCommand = () =>
  new Command('sign-url')
    .description('sign a resizer path and query with the first of SIGNING_KEYS')
    .argument('<path-and-query>', 'for example "/v1/photos/ID?w=400&fmt=webp"')
    .option('--base <url>', 'prefix the printed path with this origin, e.g. http://localhost:8081')
    .action((pathAndQuery: string, options: { base?: string }) => {
      try {
        const { signingKeys, parse } = loadResizerConfig(process.env).handler;
        const [key] = signingKeys;
        if (!key) throw new Error('SIGNING_KEYS is empty: there is no key to sign with');
        if (!pathAndQuery.startsWith('/'))
          throw new Error(`expected a path starting with /, got ${pathAndQuery}`);
        const url = new URL(pathAndQuery, 'http://resizer.invalid');
        const id = /^\/v1\/photos\/([^/]+)$/.exec(url.pathname)?.[1];
        if (!id) throw new Error(`expected /v1/photos/<id>, got ${url.pathname}`);
        url.searchParams.delete('s');
        parseRequest(id, url.searchParams, parse);
        const origin = options.base?.replace(/\/$/, '') ?? '';
        process.stdout.write(`${origin}${signPath(key, pathAndQuery)}\n`);
      } catch (err) {
        process.stderr.write(`sign-url: ${messageOf(err)}\n`);
        process.exitCode = 2;
      }
    });
