/**
 * The components an ImagePlatform runs. Apart from names.ts, which
 * re-exports them, so the status schema can key on them without importing
 * the ImagePlatform type that imports it.
 */

/** The three workloads an ImagePlatform runs. */
export type Component = 'media' | 'converter' | 'resizer';
export const COMPONENTS: readonly Component[] = ['media', 'converter', 'resizer'];

/** "media, converter and resizer", for messages and descriptions that name every component. */
export const ALL_COMPONENTS = new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(COMPONENTS);
