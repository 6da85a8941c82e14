import { describe, expect, it } from 'vitest';
import { cacheMiB } from './report.js';

describe('cacheMiB', () => {
  // A soak once read none of these: its pattern wanted `cache` as the only label.
  it('reads each cache with the service label beside it, and their sum', () => {
    const metrics = [
      '# HELP enlarger_resizer_cache_bytes Bytes held by the output, source and overlay caches.',
      'enlarger_resizer_cache_bytes{cache="output",service="resizer"} 2097152',
      'enlarger_resizer_cache_bytes{service="resizer",cache="source"} 1048576',
      'enlarger_resizer_cache_bytes{cache="overlay",service="resizer"} 0',
      'enlarger_resizer_cache_hits_total{cache="output",service="resizer"} 7',
    ].join('\n');
    expect(cacheMiB(metrics)).toEqual({ caches: 3, output: 2, source: 1, overlay: 0 });
  });
});
