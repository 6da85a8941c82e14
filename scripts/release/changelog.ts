import { valid } from 'semver';

/**
 * The body of one CHANGELOG.md section, for a release's notes: the lines under
 * `## [0.2.0] - 2027-01-10` (or `## [Unreleased]`, or a bare `## 0.2.0`) up to the
 * next `## ` heading, trimmed. A leading `v` is accepted so a tag can be passed
 * as it is. Throws when the section is missing or empty: a release must not go
 * out with blank notes.
 */
export function changelogSection(changelog: string, version: string): string {
  const wanted = version.toLowerCase() === 'unreleased' ? 'unreleased' : valid(version);
  if (!wanted) throw new Error(`"${version}" is neither a semantic version nor "Unreleased"`);
  const lines = changelog.split('\n');
  const start = lines.findIndex((line) => headingVersion(line) === wanted);
  if (start < 0) throw new Error(`CHANGELOG.md has no "## [${wanted}]" section`);
  const next = lines.findIndex((line, i) => i > start && headingVersion(line) !== undefined);
  const body = lines
    .slice(start + 1, next < 0 ? undefined : next)
    .join('\n')
    .trim();
  if (!body) throw new Error(`CHANGELOG.md's "## [${wanted}]" section is empty`);
  return body;
}

/** `unreleased`, the normalised version of a `## ` heading, `''` for another `## ` heading, or undefined. */
function headingVersion(line: string): string | undefined {
  const heading = /^## +\[?([^\]\s]+)\]?/.exec(line);
  if (!heading) return undefined;
  const name = heading[1]!;
  if (name.toLowerCase() === 'unreleased') return 'unreleased';
  return valid(name) ?? '';
}
