// @ts-check
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

/** @param {string} layer */
function rulesFor(layer) {
  const forbidden = LAYERS.filter((other) => other !== layer && !ALLOWED[layer]?.includes(other));
  return {
    files: [`operator/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Any relative path that steps into a forbidden sibling layer, or up into the wiring.
              regex: `^\\.\\./(\\.\\./)*(${forbidden.join('|')})/|^\\.\\./(run-operator|main|config)\\.js$`,
              message: `operator/${layer}/ may import only ${ALLOWED[layer]?.join(', ') || 'nothing else in operator/'}: layers point one way (see eslint.layers.js).`,
            },
          ],
        },
      ],
    },
  };
}

export const layerRules = LAYERS.map(rulesFor);
