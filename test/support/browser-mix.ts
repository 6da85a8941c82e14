/**
 * `Accept` of an image request as browsers send it, and the class the
 * shipped VCL folds each into. Chrome 131, Firefox 133, Safari 18; Chrome
 * before AVIF (Edge 18, old Android WebViews); a client sending only `*\/*`.
 */
export const ACCEPT = {
  chrome: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
  firefox: 'image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
  safari:
    'image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
  webpOnly: 'image/webp,image/apng,image/*,*/*;q=0.8',
  any: '*/*',
} as const;
export type Browser = keyof typeof ACCEPT;

/** The normalisation classes: what the resizer can answer differently. */
export const CLASS_OF: Record<Browser, string> = {
  chrome: 'avif+webp',
  firefox: 'avif+webp',
  safari: 'avif+webp',
  webpOnly: 'webp',
  any: 'legacy',
};

/** Formats each client can show. */
export const ACCEPTS: Record<Browser, readonly string[]> = {
  chrome: ['avif', 'webp', 'jpeg', 'png'],
  firefox: ['avif', 'webp', 'jpeg', 'png'],
  safari: ['avif', 'webp', 'jpeg', 'png'],
  webpOnly: ['webp', 'jpeg', 'png'],
  any: ['jpeg', 'png'],
};

/** Share of image requests per client in the replay, roughly a Western site's traffic. */
const SHARES: [Browser, number][] = [
  ['chrome', 0.62],
  ['safari', 0.2],
  ['firefox', 0.07],
  ['webpOnly', 0.06],
  ['any', 0.05],
];

/**
 * `count` requests over `paths`, clients drawn by their share and paths
 * uniformly, from a seeded generator so every run replays the same mix.
 */
export function browserMix(
  paths: readonly string[],
  count: number,
  seed = 1,
): { path: string; browser: Browser }[] {
  let state = seed >>> 0;
  const next = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    let r = next();
    const browser = SHARES.find(([, share]) => (r -= share) < 0)?.[0] ?? 'chrome';
    return { path: paths[Math.floor(next() * paths.length)]!, browser };
  });
}

/** The best hit ratio a cache can reach on `mix`: one miss per (path, class). */
export function floorHitRatio(mix: readonly { path: string; browser: Browser }[]): number {
  const firsts = new Set(mix.map((r) => `${r.path} ${CLASS_OF[r.browser]}`));
  return 1 - firsts.size / mix.length;
}
