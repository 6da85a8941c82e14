import { describe, expect, it } from 'vitest';
import { registerBuildInfo } from './build-info.js';
import { createMetricsRegistry } from './registry.js';

describe('registerBuildInfo', () => {
  it('exposes enlarger_build_info{version,commit} 1 beside the default labels', async () => {
    const registry = registerBuildInfo(createMetricsRegistry({ service: 'resizer' }), {
      version: '0.2.0',
      commit: '446f3fe',
    });
    expect(await registry.metrics()).toContain(
      'enlarger_build_info{version="0.2.0",commit="446f3fe",service="resizer"} 1\n',
    );
  });
});
