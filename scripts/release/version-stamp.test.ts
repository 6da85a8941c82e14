import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import {
  readLine,
  readScalars,
  STAMPED,
  STAMPED_LINES,
  stampLine,
  stampVersion,
  versionDrift,
} from './version-stamp.js';

const CHART = `apiVersion: v2
name: enlarger
description: The Enlarger operator, which runs an ImagePlatform (media, converter, resizer) per custom resource.
# The chart's own version.
version: 0.1.0
appVersion: "0.1.0" # quoted
keywords: [images]
`;
const CHART_PATHS = [['version'], ['appVersion']];

const PLATFORM = `spec:
  image:
    repository: ghcr.io/enlarger/enlarger
    tag: 0.1.0 # the release
  media:
    resources: { requests: { cpu: 100m } }
`;

describe('stampVersion', () => {
  it('rewrites only the values, keeping comments, quotes, flow maps and long lines', () => {
    expect(stampVersion(CHART, CHART_PATHS, 'v0.2.0')).toBe(
      CHART.replace('version: 0.1.0', 'version: 0.2.0').replace('"0.1.0"', '0.2.0'),
    );
    expect(stampVersion(PLATFORM, [['spec', 'image', 'tag']], '1.0.0-rc.1')).toBe(
      PLATFORM.replace('tag: 0.1.0', 'tag: 1.0.0-rc.1'),
    );
  });

  it('refuses a version that is not semver, and a path with no value', () => {
    expect(() => stampVersion(CHART, CHART_PATHS, '0.2')).toThrow('"0.2" is not a semantic version');
    expect(() => stampVersion(PLATFORM, [['spec', 'tag']], '0.2.0')).toThrow('no scalar at spec.tag');
  });
});

describe('stampLine', () => {
  const README =
    'Install:\n\n```sh\nVERSION=0.1.0\nhelm install --version $VERSION\n```\nNot VERSION=0.1.0 here.\n';
  const line = STAMPED_LINES[0]!.line;

  it('rewrites the version on the first matching line only', () => {
    expect(stampLine(README, line, '0.2.0')).toBe(README.replace('\nVERSION=0.1.0\n', '\nVERSION=0.2.0\n'));
    expect(readLine(stampLine(README, line, '0.2.0'), line)).toBe('0.2.0');
  });

  it('refuses a text without the line', () => {
    expect(() => stampLine('nothing', line, '0.2.0')).toThrow('no line matches');
  });
});

describe('versionDrift', () => {
  const found = [
    { where: 'Chart.yaml version', value: '0.1.0' },
    { where: 'README.md', value: undefined },
  ];

  it('is empty when the tag, package.json and every stamped place agree', () => {
    expect(versionDrift('v0.1.0', '0.1.0', found.slice(0, 1))).toEqual([]);
  });

  it('names every place that disagrees', () => {
    expect(versionDrift('0.2.0', '0.1.0', found)).toEqual([
      'package.json says 0.1.0, the release is 0.2.0',
      'Chart.yaml version is 0.1.0, expected 0.2.0 (make version-stamp)',
      'README.md is undefined, expected 0.2.0 (make version-stamp)',
    ]);
  });
});

// The contract: package.json owns the version, and the committed chart, examples and README follow it.
describe('this repository', () => {
  const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

  it.each(STAMPED)(
    '$file says package.json version (make version-stamp if this fails)',
    ({ file, paths }) => {
      expect(readScalars(read(file), paths)).toEqual(paths.map(() => pkg.version));
    },
  );

  it.each(STAMPED_LINES)(
    '$file says package.json version (make version-stamp if this fails)',
    ({ file, line }) => {
      expect(readLine(read(file), line)).toBe(pkg.version);
    },
  );
});
