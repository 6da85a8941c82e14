/**
 * The `lever:<name>` rows of `make bench-peers`: Enlarger with one setting
 * changed from this tree's defaults, so the CPU per render of each byte lever
 * of issue 29 is measured on its own, beside the `enlarger` and `imgproxy`
 * rows of the same run. A lever acts on the resizer's encoder (its env) or
 * on the stored copies (a store of `bench/bytes/rows.ts`, seeded by the real
 * converter with that store's env).
 *
 *   node lever.js <formats|store|resizer-env|converter-env> <name>
 *
 * prints the lever's formats (space-separated), its store name (empty for
 * none), or its env as KEY=value lines, for `run.sh`.
 */
import { STORE_ENV } from '../bytes/rows.js';
import type { PeerFormat } from './urls.js';

export interface Lever {
  /** Formats it acts on: the rows it is driven for. */
  formats: PeerFormat[];
  /** The resizer's env beside the defaults. */
  resizerEnv: Record<string, string>;
  /** A store of `STORE_ENV`, seeded for this lever; none: the defaults' store. */
  store?: string;
}

export const LEVERS: Record<string, Lever> = {
  trellis: { formats: ['jpeg'], resizerEnv: { RESIZER_JPEG_TRELLIS: 'true' } },
  'webp-effort4': { formats: ['webp'], resizerEnv: { RESIZER_WEBP_EFFORT: '4' } },
  'avif-420': { formats: ['avif'], resizerEnv: { RESIZER_AVIF_CHROMA: '4:2:0' } },
  // The same copies, rendered from one at least 2× the asked width (RESIZER_SOURCE_MARGIN): more to decode.
  'margin-2': { formats: ['jpeg', 'webp'], resizerEnv: { RESIZER_SOURCE_MARGIN: '2' } },
  // Stored copies: what a render decodes. JPEG and WebP outputs, where decoding is a large share of a render.
  'q95-444': { formats: ['jpeg', 'webp'], resizerEnv: {}, store: 'q95-444' },
  'q95-420': { formats: ['jpeg', 'webp'], resizerEnv: {}, store: 'q95-420' },
  'master-q95-444': { formats: ['jpeg', 'webp'], resizerEnv: {}, store: 'master-q95-444' },
};

const envLines = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `${k}=${v}`);

/** What `run.sh` asks of a lever, as the lines it reads. */
export function leverLines(what: string, name: string): string[] {
  const lever = LEVERS[name];
  if (!lever) throw new Error(`no lever "${name}"; levers: ${Object.keys(LEVERS).join(', ')}`);
  switch (what) {
    case 'formats':
      return [lever.formats.join(' ')];
    case 'store':
      return [lever.store ?? ''];
    case 'resizer-env':
      return envLines(lever.resizerEnv);
    case 'converter-env':
      return lever.store ? envLines(STORE_ENV[lever.store]!) : [];
    default:
      throw new Error(`usage: levers.js <formats|store|resizer-env|converter-env> <name>, got "${what}"`);
  }
}
