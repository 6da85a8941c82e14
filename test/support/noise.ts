import sharp, { type Sharp } from 'sharp';

/**
 * A pipeline over `width`×`height` of Gaussian noise: it compresses badly, so
 * an encoded file of it is large for its dimensions and a cut one still has a
 * valid header and part of a scan. Encode it as the test needs.
 */
export function noise(
  width: number,
  height: number,
  { sigma = 40, background = '#000' }: { sigma?: number; background?: string } = {},
): Sharp {
  return sharp({
    create: { width, height, channels: 3, background, noise: { type: 'gaussian', mean: 128, sigma } },
  });
}
