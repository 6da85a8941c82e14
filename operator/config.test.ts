import { describeBuildInfo } from '../test/support/build-info.js';
import { describeLogFormat } from '../test/support/log-format.js';
import { loadOperatorConfig } from './config.js';

// The operator reads LOG_FORMAT through its own config, like every service (each service's config.test.ts).
describeLogFormat('operator', (env) => loadOperatorConfig(env).logFormat);

describeBuildInfo('operator', (env) => loadOperatorConfig(env).build);
