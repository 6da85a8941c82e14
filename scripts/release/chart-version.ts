import { valid } from 'semver';
import { parseDocument } from 'yaml';

/** The two fields of Chart.yaml that carry the release version. */
export interface ChartVersions {
  version: string;
  appVersion: string;
}

/** Reads `version` and `appVersion` from Chart.yaml's text. */
export function chartVersions(chartYaml: string): ChartVersions {
  const doc = parseDocument(chartYaml);
  return { version: String(doc.get('version')), appVersion: String(doc.get('appVersion')) };
}

/**
 * Chart.yaml with `version` and `appVersion` set to `version`, its comments and
 * key order kept. One version for both: the chart is released with the image
 * it runs, so a chart bump without an image bump (or the reverse) never happens.
 */
export function stampChart(chartYaml: string, version: string): string {
  const clean = valid(version);
  if (!clean) throw new Error(`"${version}" is not a semantic version`);
  const doc = parseDocument(chartYaml);
  doc.set('version', clean);
  doc.set('appVersion', clean);
  // No padding inside [ ] and no folding: the file stays as prettier writes it.
  return doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
}

/**
 * The problems that stop a release of `version`: a tag that is not
 * package.json's version, or a Chart.yaml that `make chart-stamp` has not
 * caught up with. Empty when they all agree.
 */
export function versionDrift(version: string, packageVersion: string, chart: ChartVersions): string[] {
  const wanted = valid(version);
  if (!wanted) return [`"${version}" is not a semantic version`];
  const problems: string[] = [];
  if (packageVersion !== wanted)
    problems.push(`package.json says ${packageVersion}, the release is ${wanted}`);
  for (const field of ['version', 'appVersion'] as const) {
    if (chart[field] !== wanted) {
      problems.push(
        `charts/enlarger/Chart.yaml ${field} is ${chart[field]}, expected ${wanted} (make chart-stamp)`,
      );
    }
  }
  return problems;
}
