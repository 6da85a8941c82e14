/**
 * The operator process: `enlarger operator`, or `npx tsx operator/main.ts`
 * (`make run`) against the current KUBECONFIG.
 */
import { messageOf } from '../lib/errors.js';
import { handleShutdown } from '../lib/lifecycle/shutdown.js';
import { createLogger } from '../lib/log/logger.js';
import { loadOperatorConfig } from './config.js';
import { runOperator } from './run-operator.js';

// The format is the config's, so a config error is reported in JSON: it happens before there is one.
let log = createLogger({ name: 'enlarger-operator' });

try {
  const config = loadOperatorConfig();
  log = createLogger({ name: 'enlarger-operator', level: config.logLevel, format: config.logFormat });
  const operator = await runOperator(config, log);
  handleShutdown(log, [{ name: 'operator', close: () => operator.stop() }], { timeoutMs: 25_000 });
  // Losing the Lease means another replica may already be reconciling: stop at once, as client-go does.
  const outcome = await operator.done;
  if (outcome === 'lost') process.exit(1);
} catch (err) {
  log.fatal({ error: messageOf(err) }, 'operator failed to start');
  process.exit(1);
}
