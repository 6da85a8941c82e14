/**
 * Writes the ImagePlatform CRD YAML from the TypeScript definition.
 * `make manifests` runs it: `npx tsx operator/api/generate-crd.ts`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CRD_PATH, renderCrdYaml } from './crd.js';

const target = fileURLToPath(new URL(`../../${CRD_PATH}`, import.meta.url));
writeFileSync(target, renderCrdYaml());
console.log(`wrote ${CRD_PATH}`);
