/** The sides, corners and centre of an image: where an overlay sits, or what a crop keeps. */
export const PLACEMENTS = [
  'center',
  'north',
  'northeast',
  'east',
  'southeast',
  'south',
  'southwest',
  'west',
  'northwest',
] as const;
export type Placement = (typeof PLACEMENTS)[number];
