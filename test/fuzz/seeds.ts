import sharp, { type Sharp } from 'sharp';
import type { ImageFormat } from '../../lib/photos/formats.js';

/** A valid file to mutate, made by libvips at run time (nothing is fetched or checked in). */
export interface Seed {
  name: string;
  format: ImageFormat;
  data: Buffer;
}

/** A small picture with edges and noise, so every encoder has real work and a cut file keeps a header. */
function picture(width: number, height: number, alpha = false): Sharp {
  const background = alpha ? { r: 40, g: 120, b: 200, alpha: 0.6 } : '#2878c8';
  return sharp({
    create: {
      width,
      height,
      channels: alpha ? 4 : 3,
      background,
      noise: { type: 'gaussian', mean: 128, sigma: 25 },
    },
  });
}

/** One seed per format and flavour the converter meets: baseline and progressive, alpha, animation, lossless. */
export async function makeSeeds(): Promise<Seed[]> {
  const frames = await Promise.all(
    [0, 1].map((i) =>
      sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200 * i, g: 80, b: 40 } } })
        .png()
        .toBuffer(),
    ),
  );
  const seeds: [string, ImageFormat, Promise<Buffer>][] = [
    ['jpeg-baseline', 'jpeg', picture(96, 64).jpeg({ quality: 85 }).toBuffer()],
    [
      'jpeg-progressive-exif',
      'jpeg',
      picture(80, 60).withMetadata({ orientation: 6 }).jpeg({ progressive: true }).toBuffer(),
    ],
    ['png-rgb', 'png', picture(64, 48).png().toBuffer()],
    ['png-rgba-interlaced', 'png', picture(40, 40, true).png({ progressive: true }).toBuffer()],
    [
      'gif-animated',
      'gif',
      sharp(frames, { join: { animated: true } })
        .gif()
        .toBuffer(),
    ],
    ['webp-lossy', 'webp', picture(64, 48).webp({ quality: 70 }).toBuffer()],
    ['webp-lossless-alpha', 'webp', picture(48, 32, true).webp({ lossless: true }).toBuffer()],
    ['avif', 'avif', picture(48, 32).avif({ quality: 50, effort: 0 }).toBuffer()],
    ['tiff-lzw', 'tiff', picture(64, 48).tiff({ compression: 'lzw' }).toBuffer()],
  ];
  return Promise.all(seeds.map(async ([name, format, data]) => ({ name, format, data: await data })));
}
