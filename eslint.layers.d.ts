import type { Linter } from 'eslint';

/** One flat-config block per operator layer; see eslint.layers.js. */
export declare const layerRules: Linter.Config[];
