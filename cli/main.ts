#!/usr/bin/env node
import { Command } from 'commander';
import { packageVersion } from '../lib/build/version.js';
import { converterCommand } from './commands/converter.js';
import { devCommand } from './commands/dev.js';
import { mediaCommand } from './commands/media.js';
import { operatorCommand } from './commands/operator.js';
import { reconvertCommand } from './commands/reconvert.js';
import { resizerCommand } from './commands/resizer.js';
import { signUploadCommand } from './commands/sign-upload.js';
import { signUrlCommand } from './commands/sign-url.js';
import { uploadCommand } from './commands/upload.js';

/**
 * The `enlarger` CLI: one subcommand per file under cli/commands/, each
 * exporting a factory that returns a commander Command.
 */
const program = new Command('enlarger')
  .description('Enlarger: photo upload, conversion and resizing services, and their operator')
  .version(packageVersion(), '-V, --version', 'print the version (package.json) and exit')
  .showHelpAfterError();

for (const command of [
  mediaCommand(),
  converterCommand(),
  reconvertCommand(),
  resizerCommand(),
  devCommand(),
  uploadCommand(),
  signUrlCommand(),
  signUploadCommand(),
  operatorCommand(),
]) {
  program.addCommand(command);
}

await program.parseAsync();
