// @ts-check
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The operator's layers, bottom to top, and what each may not import. Kept
 * apart from eslint.config.js so a unit test can lint deliberately broken
 * code with exactly these rules (operator/layers.test.ts).
 *
 *   toolkit/   a reusable controller kit: work queue, informers, leader election; knows no ImagePlatform
 *   api/       types, names, labels and the component table
 *   resources/ pure builders of child objects      (api only)
 *   status/    conditions as pure functions        (api only)
 *   autoscale/ algorithm, metric sources and loop  (api, toolkit, status)
 *   platform/  Enlarger's use of the toolkit: client, informers, metrics (api, toolkit, autoscale)
 *   reconcile/ the steps of one reconcile          (all of the above)
 *   main.ts, run-operator.ts, config.ts: the wiring on top
 */
const LAYERS = ['toolkit', 'api', 'resources', 'status', 'autoscale', 'platform', 'reconcile'];

/** @type {Record<string, string[]>} layer -> layers it may import */
const ALLOWED = {
  toolkit: [],
  api: [],
  resources: ['api'],
  status: ['api'],
  autoscale: ['api', 'toolkit', 'status'],
  platform: ['api', 'toolkit', 'autoscale'],
  reconcile: ['api', 'toolkit', 'resources', 'status', 'autoscale', 'platform'],
};

const OPERATOR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'operator');

/**
 * Where a file sits in the operator: its layer, `wiring` for a file directly
 * in operator/, or undefined outside the operator (lib/, services/).
 * @param {string} file absolute path
 */
function placeOf(file) {
  const rel = path.relative(OPERATOR, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const [first, ...rest] = rel.split(path.sep);
  if (rest.length === 0) return 'wiring';
  return first !== undefined && LAYERS.includes(first) ? first : undefined;
}

/**
 * The layer rule. It resolves each relative import against the importing
 * file, so `../resources/x.js`, `../../resources/x.js` and
 * `../../operator/resources/x.js` are all the same layer; a pattern on the
 * import's text sees only some of them.
 * @type {import('eslint').Rule.RuleModule}
 */
const oneWay = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const from = placeOf(context.filename);
    if (from === undefined || from === 'wiring') return {};
    const allowed = ALLOWED[from] ?? [];
    /** @param {import('estree').Node & { source?: unknown }} node */
    const check = (node) => {
      const source = /** @type {{ value?: unknown } | null | undefined} */ (node.source);
      if (typeof source?.value !== 'string' || !source.value.startsWith('.')) return;
      const to = placeOf(path.resolve(path.dirname(context.filename), source.value));
      if (to === undefined || to === from || allowed.includes(to)) return;
      context.report({
        node,
        message: `operator/${from}/ may import only ${allowed.join(', ') || 'nothing else in operator/'}, not ${to === 'wiring' ? 'the wiring' : `${to}/`}: layers point one way (see eslint.layers.js).`,
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

/** Flat-config entries that apply the rule to every file of every layer. */
export const layerRules = [
  {
    files: LAYERS.map((layer) => `operator/${layer}/**/*.ts`),
    plugins: { layers: { rules: { 'one-way': oneWay } } },
    rules: { 'layers/one-way': 'error' },
  },
];
