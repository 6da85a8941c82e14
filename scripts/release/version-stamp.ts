import { valid } from 'semver';
import { isScalar, parseDocument } from 'yaml';

/** The files that carry the release version, beside package.json, and where in each. */
export const STAMPED: ReadonlyArray<{ file: string; paths: ReadonlyArray<readonly string[]> }> = [
  { file: 'charts/enlarger/Chart.yaml', paths: [['version'], ['appVersion']] },
  // The documented platforms run the release they are documented with.
  { file: 'examples/imageplatform.yaml', paths: [['spec', 'image', 'tag']] },
  { file: 'examples/imageplatform-eks.yaml', paths: [['spec', 'image', 'tag']] },
];

/** The value at each of `paths` in a YAML text, as a string (`undefined` where there is none). */
export function readScalars(
  text: string,
  paths: ReadonlyArray<readonly string[]>,
): Array<string | undefined> {
  const doc = parseDocument(text);
  return paths.map((p) => {
    const node = doc.getIn(p, true);
    return isScalar(node) ? String(node.value) : undefined;
  });
}

/**
 * The YAML text with the scalar at each of `paths` replaced by `version`, and
 * every other byte (comments, flow maps, line widths) left as it was: only the
 * value's own source range is rewritten.
 */
export function stampVersion(text: string, paths: ReadonlyArray<readonly string[]>, version: string): string {
  const clean = valid(version);
  if (!clean) throw new Error(`"${version}" is not a semantic version`);
  const doc = parseDocument(text);
  const ranges = paths.map((p) => {
    const node = doc.getIn(p, true);
    if (!isScalar(node) || !node.range) throw new Error(`no scalar at ${p.join('.')}`);
    return node.range;
  });
  // From the end, so earlier offsets stay valid.
  return ranges
    .sort((a, b) => b[0] - a[0])
    .reduce((out, [start, end]) => `${out.slice(0, start)}${clean}${out.slice(end)}`, text);
}

/** Text files that carry the version on one line: the pattern's one group is the version. */
export const STAMPED_LINES: ReadonlyArray<{ file: string; line: RegExp }> = [
  // The install section's pinned `VERSION=`, which its helm and cosign commands use.
  { file: 'README.md', line: /^VERSION=(\S+)$/m },
];

/** The version `line` holds in `text`, or undefined when no line matches. */
export const readLine = (text: string, line: RegExp): string | undefined => line.exec(text)?.[1];

/** `text` with the version in the first line matching `line` replaced. */
export function stampLine(text: string, line: RegExp, version: string): string {
  const clean = valid(version);
  if (!clean) throw new Error(`"${version}" is not a semantic version`);
  const match = line.exec(text);
  if (!match?.[1]) throw new Error(`no line matches ${String(line)}`);
  const start = match.index + match[0].indexOf(match[1]);
  return `${text.slice(0, start)}${clean}${text.slice(start + match[1].length)}`;
}

/** One place a version was found: `Chart.yaml appVersion`, `README.md`. */
export interface FoundVersion {
  where: string;
  value: string | undefined;
}

/**
 * The problems that stop a release of `version`: a tag that is not
 * package.json's version, or a stamped place that `make version-stamp` has
 * not caught up with. Empty when they all agree.
 */
export function versionDrift(
  version: string,
  packageVersion: string,
  found: readonly FoundVersion[],
): string[] {
  const wanted = valid(version);
  if (!wanted) return [`"${version}" is not a semantic version`];
  const problems: string[] = [];
  if (packageVersion !== wanted)
    problems.push(`package.json says ${packageVersion}, the release is ${wanted}`);
  for (const { where, value } of found) {
    if (value !== wanted) problems.push(`${where} is ${value}, expected ${wanted} (make version-stamp)`);
  }
  return problems;
}
