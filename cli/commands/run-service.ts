import { ConfigError } from '../../lib/config/parse-env.js';
import { messageOf } from '../../lib/errors.js';

/**
 * Runs a service's startup, turning a bad configuration into one readable
 * message and exit code 2, and any other startup failure into exit code 1.
 * After startup the service runs until its shutdown handler exits.
 */
export async function runService(name: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${name}: failed to start: ${messageOf(err)}\n`);
    process.exit(1);
  }
}
