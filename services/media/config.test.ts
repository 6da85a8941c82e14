import { describeLogFormat } from '../../test/support/log-format.js';
import { loadMediaConfig } from './config.js';

// Every process reads LOG_FORMAT through its own config; the cases are shared.
describeLogFormat('media', (env) => loadMediaConfig(env).logFormat);
