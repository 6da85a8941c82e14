import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemorySample } from '../../test/support/stats.js';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'probe.js');

/**
 * The environment that loads probe.js into a Node process, appending a
 * sample every `everyMs` to `file`; keeps whatever NODE_OPTIONS `base` has.
 */
export function probeEnv(file: string, everyMs: number, base: string | undefined): Record<string, string> {
  return {
    NODE_OPTIONS: [base, `--import=${PROBE}`].filter(Boolean).join(' '),
    MEMORY_PROBE_FILE: file,
    MEMORY_PROBE_MS: String(everyMs),
  };
}

/**
 * The samples probe.js has written to `file` so far, each with `native`: RSS
 * less the V8 heap and `external` (which counts Buffers), so what is left is
 * libvips' working memory, thread stacks, code and whatever the allocator
 * holds on to.
 */
export async function readSamples(file: string): Promise<MemorySample[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as MemorySample)
    .map((s) => ({ ...s, native: (s.rss ?? 0) - (s.heapTotal ?? 0) - (s.external ?? 0) }));
}
