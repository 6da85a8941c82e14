import { describe, expect, it } from 'vitest';
import { loadConverterConfig } from '../../services/converter/config.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { leverLines, LEVERS } from './levers.js';

describe('leverLines', () => {
  it('prints what run.sh reads for an encoder lever', () => {
    expect(leverLines('formats', 'trellis')).toEqual(['jpeg']);
    expect(leverLines('store', 'trellis')).toEqual(['']);
    expect(leverLines('resizer-env', 'trellis')).toEqual(['RESIZER_JPEG_TRELLIS=true']);
    expect(leverLines('converter-env', 'trellis')).toEqual([]);
  });
  it("prints a store lever's converter env", () => {
    const env = leverLines('converter-env', 'q95-420');
    expect(env).toContain('CONVERTER_MASTER_QUALITY=95');
    expect(env).toContain('CONVERTER_JPEG_CHROMA=4:2:0');
  });
  it('names the levers when asked for one that does not exist', () => {
    expect(() => leverLines('formats', 'nope')).toThrow(/no lever "nope"; levers: trellis/);
  });
});

describe('LEVERS', () => {
  // A lever the services would refuse at start would make its rows measure nothing.
  it.each(Object.keys(LEVERS))('%s: env the resizer and converter accept', (name) => {
    const lever = LEVERS[name]!;
    expect(() => loadResizerConfig(lever.resizerEnv)).not.toThrow();
    const converterEnv: Record<string, string> = Object.fromEntries(
      leverLines('converter-env', name).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(() =>
      loadConverterConfig({ ...converterEnv, STORAGE_KIND: 'fs', DATA_DIR: '/tmp' }),
    ).not.toThrow();
  });
});
