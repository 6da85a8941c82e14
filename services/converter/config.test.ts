import { describeBuildInfo } from '../../test/support/build-info.js';
import { describeLogFormat } from '../../test/support/log-format.js';
import { loadConverterConfig } from './config.js';

// Every process reads LOG_FORMAT through its own config; the cases are shared.
describeLogFormat('converter', (env) => loadConverterConfig(env).logFormat);
describeBuildInfo('converter', (env) => loadConverterConfig(env).build);
