import type { Linter } from 'eslint';

/** Flat-config blocks that keep the operator's layers pointing one way; see eslint.layers.js. */
export declare const layerRules: Linter.Config[];
