import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type PngOptions, type Sharp } from 'sharp';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs scripts/photos.sh (idempotent) and returns the directory of real wallpaper photos. */
export function realPhotosDir(): string {
  return execFileSync(path.join(REPO, 'scripts/photos.sh'), { encoding: 'utf8' }).trim();
}

/** The 5640×3172 progressive JPEG from mate-backgrounds: the large real photo of the tests and benchmarks. */
export async function largeProgressivePhoto(): Promise<string> {
  const dir = realPhotosDir();
  for (const name of readdirSync(dir).filter((n) => /\.jpe?g$/i.test(n))) {
    const file = path.join(dir, name);
    const meta = await sharp(file).metadata();
    if (meta.width === 5640 && meta.height === 3172 && meta.isProgressive) return file;
  }
  throw new Error(`no 5640×3172 progressive JPEG in ${dir}`);
}

/** A generated image and what it should look like once converted. */
export interface AwkwardImage {
  name: string;
  data: Buffer;
  /** Size of the upright image. */
  width: number;
  height: number;
  /** Expected mean sRGB colour of the top-left marker once upright, when the image has one. */
  marker?: [number, number, number];
  /** Expected mean sRGB colour of the whole image, for colour-managed cases. */
  colour?: [number, number, number];
}

const W = 320;
const H = 200;
const RED: [number, number, number] = [220, 30, 30];

/**
 * An upright 320×200 white image with a red block in its top-left corner, as
 * raw RGB. After conversion the block must still be top-left: that is what
 * "upright" means in the orientation tests.
 */
async function uprightPattern(): Promise<Sharp> {
  const block = await sharp({
    create: { width: W / 4, height: H / 4, channels: 3, background: { r: RED[0], g: RED[1], b: RED[2] } },
  })
    .png()
    .toBuffer();
  const png = await sharp({ create: { width: W, height: H, channels: 3, background: '#ffffff' } })
    .composite([{ input: block, left: 0, top: 0 }])
    .png()
    .toBuffer();
  return sharp(png);
}

/**
 * Stores the upright pattern so that a viewer applying EXIF `orientation`
 * shows it upright again: the stored pixels are the inverse transform.
 */
async function orientedJpeg(orientation: number): Promise<Buffer> {
  const steps: Record<number, (s: Sharp) => Sharp> = {
    2: (s) => s.flop(),
    3: (s) => s.rotate(180),
    4: (s) => s.flip(),
    5: (s) => s.rotate(90),
    6: (s) => s.rotate(270),
    7: (s) => s.rotate(270),
    8: (s) => s.rotate(90),
  };
  // Separate passes, because sharp applies flips before rotations whatever the call order.
  let stored = await steps[orientation]!(await uprightPattern())
    .png()
    .toBuffer();
  if (orientation === 5 || orientation === 7) stored = await sharp(stored).flop().png().toBuffer();
  return sharp(stored).jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
}

/**
 * Awkward but valid images: EXIF orientations 2–8, CMYK, a wide-gamut (P3)
 * ICC profile, 16-bit PNG with alpha, an animated GIF. Deterministic: no noise.
 */
export async function awkwardImages(): Promise<AwkwardImage[]> {
  const images: AwkwardImage[] = [];
  for (const orientation of [2, 3, 4, 5, 6, 7, 8]) {
    images.push({
      name: `orientation-${orientation}`,
      data: await orientedJpeg(orientation),
      width: W,
      height: H,
      marker: RED,
    });
  }
  // Muted, so it sits inside the CMYK gamut and survives the round trip.
  const swatch = { r: 110, g: 150, b: 120 };
  const flat = () => sharp({ create: { width: 600, height: 400, channels: 3, background: swatch } });
  images.push({
    name: 'cmyk',
    data: await flat().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(),
    width: 600,
    height: 400,
    colour: [swatch.r, swatch.g, swatch.b],
  });
  // Converted *into* P3 and tagged: the stored numbers differ from the sRGB
  // ones, so ignoring the profile would show up in the colour check.
  images.push({
    name: 'wide-gamut-p3',
    data: await flat().withIccProfile('p3').jpeg({ quality: 95 }).toBuffer(),
    width: 600,
    height: 400,
    colour: [swatch.r, swatch.g, swatch.b],
  });
  images.push({
    name: 'png16-alpha',
    data: await sharp({
      create: { width: 500, height: 300, channels: 4, background: { r: 200, g: 40, b: 60, alpha: 0.5 } },
    })
      .toColourspace('rgb16')
      .png({ bitdepth: 16 } as PngOptions)
      .toBuffer(),
    width: 500,
    height: 300,
  });
  const frame = (background: string) =>
    sharp({ create: { width: 240, height: 160, channels: 4, background } })
      .png()
      .toBuffer();
  images.push({
    name: 'animated-gif',
    data: await sharp([await frame('#ff0000'), await frame('#00ff00'), await frame('#0000ff')], {
      join: { animated: true },
    })
      .gif({ delay: [100, 100, 100] })
      .toBuffer(),
    width: 240,
    height: 160,
  });
  return images;
}

/** Mean sRGB colour of a region of an encoded image, for "upright" and colour checks. */
export async function meanColour(
  image: Buffer,
  region?: { left: number; top: number; width: number; height: number },
): Promise<[number, number, number]> {
  let pipeline = sharp(image).removeAlpha();
  if (region) pipeline = pipeline.extract(region);
  // stats() reads the input, not the pipeline's output, so render the region first.
  const { channels } = await sharp(await pipeline.png().toBuffer()).stats();
  return [channels[0]!.mean, channels[1]!.mean, channels[2]!.mean];
}
