import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { changelogSection } from './changelog.js';

const CHANGELOG = `# Changelog

Intro text.

## [Unreleased]

### Added

- Release workflows.

## [0.2.0] - 2027-01-10

### Fixed

- A bug.

## [0.1.0] - 2026-12-07

### Added

- Everything.

[0.1.0]: https://example.com/v0.1.0
`;

describe('changelogSection', () => {
  it('takes the body between a version heading and the next one, trimmed', () => {
    expect(changelogSection(CHANGELOG, '0.2.0')).toBe('### Fixed\n\n- A bug.');
  });

  it('accepts the tag itself (v prefix)', () => {
    expect(changelogSection(CHANGELOG, 'v0.2.0')).toBe('### Fixed\n\n- A bug.');
  });

  it('reads the Unreleased section, in any case', () => {
    expect(changelogSection(CHANGELOG, 'unreleased')).toBe('### Added\n\n- Release workflows.');
  });

  it('runs the last section to the end of the file, link references included', () => {
    expect(changelogSection(CHANGELOG, '0.1.0')).toBe(
      '### Added\n\n- Everything.\n\n[0.1.0]: https://example.com/v0.1.0',
    );
  });

  it('reads a bare "## 1.0.0" heading and stops at any other ## heading', () => {
    expect(changelogSection('## 1.0.0\n\n- One.\n\n## Notes\n\nNot it.\n', '1.0.0')).toBe('- One.');
  });

  it('does not take 0.1.0 for 0.1.0-rc.1', () => {
    expect(() => changelogSection('## [0.1.0-rc.1]\n\n- RC.\n', '0.1.0')).toThrow(
      'CHANGELOG.md has no "## [0.1.0]" section',
    );
  });

  it('refuses a missing section, an empty one and a version that is none', () => {
    expect(() => changelogSection(CHANGELOG, '0.3.0')).toThrow('CHANGELOG.md has no "## [0.3.0]" section');
    expect(() => changelogSection('## [0.3.0]\n\n## [0.2.0]\n- x\n', '0.3.0')).toThrow(
      'CHANGELOG.md\'s "## [0.3.0]" section is empty',
    );
    expect(() => changelogSection(CHANGELOG, 'latest')).toThrow(
      '"latest" is neither a semantic version nor "Unreleased"',
    );
  });
});

// The release workflow fails on a tag whose section is missing: the real CHANGELOG must read.
describe('this repository', () => {
  const changelog = readFileSync(new URL('../../CHANGELOG.md', import.meta.url), 'utf8');

  it('has an Unreleased section and the released 0.1.0', () => {
    expect(changelogSection(changelog, 'Unreleased')).toMatch(/^### /);
    expect(changelogSection(changelog, '0.1.0')).toMatch(/^### Added$/m);
  });
});
