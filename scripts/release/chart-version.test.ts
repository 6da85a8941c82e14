import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { chartVersions, stampChart, versionDrift } from './chart-version.js';

const CHART = `apiVersion: v2
name: enlarger
description: The Enlarger operator, which runs an ImagePlatform (media, converter, resizer) per custom resource.
# The chart's own version.
version: 0.1.0
appVersion: 0.1.0
keywords: [images]
`;

describe('stampChart', () => {
  it('sets version and appVersion, keeping comments, order and the rest', () => {
    expect(stampChart(CHART, 'v0.2.0')).toBe(`apiVersion: v2
name: enlarger
description: The Enlarger operator, which runs an ImagePlatform (media, converter, resizer) per custom resource.
# The chart's own version.
version: 0.2.0
appVersion: 0.2.0
keywords: [images]
`);
  });

  it('refuses a version that is not semver', () => {
    expect(() => stampChart(CHART, '0.2')).toThrow('"0.2" is not a semantic version');
  });
});

describe('versionDrift', () => {
  const chart = chartVersions(CHART);

  it('is empty when the tag, package.json and the chart agree', () => {
    expect(versionDrift('v0.1.0', '0.1.0', chart)).toEqual([]);
  });

  it('names every place that disagrees', () => {
    expect(versionDrift('0.2.0', '0.1.0', chart)).toEqual([
      'package.json says 0.1.0, the release is 0.2.0',
      'charts/enlarger/Chart.yaml version is 0.1.0, expected 0.2.0 (make chart-stamp)',
      'charts/enlarger/Chart.yaml appVersion is 0.1.0, expected 0.2.0 (make chart-stamp)',
    ]);
  });
});

// The contract: package.json owns the version and the committed chart follows it.
describe('this repository', () => {
  it('has the chart stamped with package.json version (make chart-stamp if this fails)', () => {
    const chartYaml = readFileSync(new URL('../../charts/enlarger/Chart.yaml', import.meta.url), 'utf8');
    expect(versionDrift(pkg.version, pkg.version, chartVersions(chartYaml))).toEqual([]);
  });
});
