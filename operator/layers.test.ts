import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerRules } from '../eslint.layers.js';

// The same layer rules `make check` runs, on code that breaks them on purpose.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layerRules],
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('operator layer boundaries', () => {
  it.each([
    ['operator/resources/bad.ts', "import { reconcile } from '../reconcile/reconcile.js';"],
    ['operator/status/bad.ts', "import { buildDeployment } from '../resources/deployment.js';"],
    ['operator/api/bad.ts', "import { desiredChildren } from '../resources/children.js';"],
    ['operator/toolkit/bad.ts', "import { FIELD_MANAGER } from '../api/names.js';"],
    ['operator/platform/bad.ts', "import type { ReconcileContext } from '../reconcile/context.js';"],
    ['operator/api/components/bad.ts', "import { configChecksum } from '../../resources/checksum.js';"],
    // The same layers reached through the repository root, a re-export, a dynamic import, and the wiring.
    ['operator/status/bad.ts', "import { buildDeployment } from '../../operator/resources/deployment.js';"],
    [
      'operator/api/components/bad.ts',
      "import { reconcile } from '../../../operator/reconcile/reconcile.js';",
    ],
    ['operator/resources/bad.ts', "export { reconcile } from '../reconcile/reconcile.js';"],
    ['operator/resources/bad.ts', "export const later = () => import('../reconcile/reconcile.js');"],
    ['operator/status/bad.ts', "import { loadOperatorConfig } from '../config.js';"],
  ])('refuses an upward import in %s: %s', async (file, code) => {
    expect((await problems(file, code)).join('\n')).toContain('layers point one way');
  });

  it.each([
    ['operator/resources/ok.ts', "import { childName } from '../api/names.js';"],
    ['operator/reconcile/ok.ts', "import { buildDeployment } from '../resources/deployment.js';"],
    [
      'operator/api/components/ok.ts',
      "import type { ResizerEnv } from '../../../services/resizer/config.js';",
    ],
    ['operator/status/ok.ts', "import { childName } from '../../operator/api/names.js';"],
    ['operator/api/components/ok.ts', "import { POD_PORTS } from './row.js';"],
  ])('allows a downward import in %s: %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
