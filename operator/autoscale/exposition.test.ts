import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { parseSamples } from './exposition.js';

describe('parseSamples', () => {
  it("reads prom-client's own output, labels of every histogram series kept apart", async () => {
    const registry = new Registry();
    const h = new Histogram({
      name: 'd_seconds',
      help: 'h',
      labelNames: ['cache'],
      buckets: [0.1],
      registers: [registry],
    });
    h.observe({ cache: 'miss' }, 0.05);
    h.observe({ cache: 'hit' }, 0.5);
    new Counter({ name: 'shed_total', help: 'c', registers: [registry] }).inc(3);
    const samples = parseSamples(await registry.metrics());
    expect(samples).toEqual(
      expect.arrayContaining([
        { name: 'd_seconds_bucket', labels: { le: '0.1', cache: 'miss' }, value: 1 },
        { name: 'd_seconds_bucket', labels: { le: '+Inf', cache: 'miss' }, value: 1 },
        { name: 'd_seconds_bucket', labels: { le: '0.1', cache: 'hit' }, value: 0 },
        { name: 'shed_total', labels: {}, value: 3 },
      ]),
    );
  });

  it('unescapes label values, ignores timestamps and comments, and skips garbage', () => {
    const text = [
      '# HELP x y',
      'x{path="C:\\\\DIR",msg="a \\"b\\"\\nc"} 1.5e3 1395066363000',
      'not a sample',
      'y +Inf',
      '',
    ].join('\n');
    expect(parseSamples(text)).toEqual([
      { name: 'x', labels: { path: 'C:\\DIR', msg: 'a "b"\nc' }, value: 1500 },
      { name: 'y', labels: {}, value: Infinity },
    ]);
  });
});
