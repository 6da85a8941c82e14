import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { changelogSection } from './changelog.js';
import { chartVersions, stampChart, versionDrift } from './chart-version.js';

// The release steps the Makefile runs (`make release-notes`, `chart-stamp`, `version-check`);
// the logic is in changelog.ts and chart-version.ts, tested alone.
const CHART_YAML = 'charts/enlarger/Chart.yaml';
const packageVersion = () =>
  (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

const program = new Command('release').showHelpAfterError();

program
  .command('notes <version>')
  .description("print CHANGELOG.md's section for <version> (or Unreleased)")
  .action((version: string) => {
    process.stdout.write(`${changelogSection(readFileSync('CHANGELOG.md', 'utf8'), version)}\n`);
  });

program
  .command('stamp-chart')
  .description("set Chart.yaml's version and appVersion to package.json's version")
  .action(() => {
    writeFileSync(CHART_YAML, stampChart(readFileSync(CHART_YAML, 'utf8'), packageVersion()));
  });

program
  .command('check <version>')
  .description('fail unless package.json and Chart.yaml both say <version>')
  .action((version: string) => {
    const problems = versionDrift(version, packageVersion(), chartVersions(readFileSync(CHART_YAML, 'utf8')));
    if (problems.length) {
      process.stderr.write(`version drift:\n  ${problems.join('\n  ')}\n`);
      process.exitCode = 1;
    }
  });

await program.parseAsync();
