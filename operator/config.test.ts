import { describeLogFormat } from '../test/support/log-format.js';
import { loadOperatorConfig } from './config.js';

// The operator reads LOG_FORMAT through its own config, like every service (lib/log/logger.test.ts).
describeLogFormat('operator', (env) => loadOperatorConfig(env).logFormat);
