import type { ImagePlatform } from '../imageplatform.js';
import type { Component } from '../names.js';
import { converter } from './converter.js';
import { media } from './media.js';
import { resizer } from './resizer.js';
import type { ComponentRow } from './row.js';

export type { ComponentRow, Scaling, SecretEnv } from './row.js';

/** The component table: one row per workload, in the order they are applied. */
const TABLE: Record<Component, (cr: ImagePlatform) => ComponentRow> = { media, converter, resizer };

/** Every component of a platform, evaluated for it. */
export function components(cr: ImagePlatform): ComponentRow[] {
  return Object.values(TABLE).map((row) => row(cr));
}

/** One component of a platform, evaluated for it. */
export function component(cr: ImagePlatform, name: Component): ComponentRow {
  return TABLE[name](cr);
}
