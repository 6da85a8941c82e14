import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { changelogSection } from './changelog.js';
import {
  readLine,
  readScalars,
  STAMPED,
  STAMPED_LINES,
  stampLine,
  stampVersion,
  versionDrift,
} from './version-stamp.js';

// The release steps the Makefile runs (`make release-notes`, `version-stamp`, `version-check`);
// the logic is in changelog.ts and version-stamp.ts, tested alone.
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
  .command('stamp')
  .description("write package.json's version into the chart, the examples and the README")
  .action(() => {
    const version = packageVersion();
    for (const { file, paths } of STAMPED)
      writeFileSync(file, stampVersion(readFileSync(file, 'utf8'), paths, version));
    for (const { file, line } of STAMPED_LINES)
      writeFileSync(file, stampLine(readFileSync(file, 'utf8'), line, version));
  });

program
  .command('check <version>')
  .description('fail unless package.json and every stamped place say <version>')
  .action((version: string) => {
    const found = [
      ...STAMPED.flatMap(({ file, paths }) =>
        readScalars(readFileSync(file, 'utf8'), paths).map((value, i) => ({
          where: `${file} ${paths[i]!.join('.')}`,
          value,
        })),
      ),
      ...STAMPED_LINES.map(({ file, line }) => ({
        where: file,
        value: readLine(readFileSync(file, 'utf8'), line),
      })),
    ];
    const problems = versionDrift(version, packageVersion(), found);
    if (problems.length) {
      process.stderr.write(`version drift:\n  ${problems.join('\n  ')}\n`);
      process.exitCode = 1;
    }
  });

await program.parseAsync();
