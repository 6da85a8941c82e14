/** CLI of `levers.ts` for `run.sh`: `node lever.js <formats|store|resizer-env|converter-env> <name>`. */
import { leverLines } from './levers.js';

const [what, name] = process.argv.slice(2);
// No lines, no newline: `mapfile` would read an empty one as an argument.
for (const line of leverLines(what ?? '', name ?? '')) if (line) process.stdout.write(`${line}\n`);
