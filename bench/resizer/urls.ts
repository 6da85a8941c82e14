/** A fixed set of popular sizes, for the cache-hit runs. */
export const HIT_WIDTHS = [160, 320, 480, 640, 800, 1024, 1280, 1600];
export const hitUrls = (photoId: string): string[] =>
  HIT_WIDTHS.flatMap((w) => ['jpeg', 'webp'].map((fmt) => `/v1/photos/${photoId}?w=${w}&fmt=${fmt}`));
