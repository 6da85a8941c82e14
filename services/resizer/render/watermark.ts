import sharp, { type Sharp } from 'sharp';
import { unreadableSource } from './load.js';
import type { Placement } from './placement.js';
import type { Dimensions } from './resize.js';

export interface WatermarkSettings {
  /** Below this output width neither logo nor attribution is drawn: they would cover the picture. */
  minWidth: number;
  logoPosition: Placement;
  attributionPosition: Placement;
  /** Who to credit when a photo has no photographer on record (the platform, say); none draws no credit. */
  defaultCredit?: string;
}

/** A rendered overlay: raw RGBA pixels, alpha not premultiplied, `width`×`height`. */
export interface Overlay {
  rgba: Buffer;
  width: number;
  height: number;
}

/** Renders overlays for an output width; see `overlays.ts`. */
export interface OverlaySource {
  logo(outputWidth: number): Promise<Overlay | undefined>;
  attribution(photographer: string, outputWidth: number): Promise<Overlay>;
}

/** An overlay and where its top-left corner goes. */
export interface PlacedOverlay {
  overlay: Overlay;
  left: number;
  top: number;
}

/**
 * The `watermark` render step: the platform's logo and the photographer's "© Name". Skipped for
 * small outputs and for `wm=0` (which parse only lets through where
 * allowed); otherwise the picture is rendered here and the overlays stamped
 * onto it (see {@link stamp}).
 */
export async function watermark(
  image: Sharp,
  output: Dimensions,
  wanted: boolean,
  photographer: string | undefined,
  overlays: OverlaySource,
  settings: WatermarkSettings,
): Promise<Sharp> {
  if (!wanted) return image;
  const placed = await placedOverlays(output, photographer, overlays, settings);
  return placed.length > 0 ? stamp(image, placed) : image;
}

/**
 * The overlays an output of this size gets, each at its place: none below
 * `minWidth`, the credit only when someone is to be credited.
 */
export async function placedOverlays(
  output: Dimensions,
  photographer: string | undefined,
  overlays: OverlaySource,
  settings: WatermarkSettings,
): Promise<PlacedOverlay[]> {
  if (output.width < settings.minWidth) return [];
  const credit = photographer ?? settings.defaultCredit;
  const [logo, attribution] = await Promise.all([
    overlays.logo(output.width),
    credit ? overlays.attribution(credit, output.width) : undefined,
  ]);
  // An overlay taller or wider than a very flat output cannot be stamped; such outputs go without.
  const fits = (o: Overlay | undefined): o is Overlay =>
    !!o && o.width <= output.width && o.height <= output.height;
  const placed: PlacedOverlay[] = [];
  if (fits(logo)) placed.push(placeOverlay(logo, output, settings.logoPosition));
  if (fits(attribution)) placed.push(placeOverlay(attribution, output, settings.attributionPosition));
  return placed;
}

/** Where an overlay goes: at `placement`, inset by a margin of 2% of the output width. */
export function placeOverlay(overlay: Overlay, output: Dimensions, placement: Placement): PlacedOverlay {
  const margin = Math.round(output.width * 0.02);
  const spareX = Math.max(0, output.width - overlay.width);
  const spareY = Math.max(0, output.height - overlay.height);
  const along = (spare: number, start: boolean, end: boolean) =>
    start ? Math.min(margin, spare) : end ? Math.max(0, spare - margin) : Math.round(spare / 2);
  return {
    overlay,
    left: along(spareX, placement.endsWith('west'), placement.endsWith('east')),
    top: along(spareY, placement.startsWith('north'), placement.startsWith('south')),
  };
}

/**
 * Renders the picture to sRGB pixels and blends each overlay into its own
 * small region only. sharp's composite blends across the whole frame, which
 * doubled the cost of a whole render in measurements; one small sharp
 * pipeline per overlay still added 5 ms to a 13 ms render, so the few
 * thousand overlay pixels are blended here instead.
 */
function stamp(image: Sharp, placed: PlacedOverlay[]): Promise<Sharp> {
  return throughRawPixels(image, (frame) => {
    for (const p of placed) blendOver(frame, p);
  });
}

/**
 * Renders `image` to raw sRGB pixels, lets `edit` change them in place, and
 * returns a pipeline that reads them back: the one way to touch pixels
 * between two libvips runs with sharp.
 */
export async function throughRawPixels(image: Sharp, edit: (frame: Frame) => void): Promise<Sharp> {
  let rendered: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    rendered = await image.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw unreadableSource(err);
  }
  const { data, info } = rendered;
  const frame = { data, width: info.width, channels: info.channels as 3 | 4 };
  edit(frame);
  return sharp(data, { raw: { width: info.width, height: info.height, channels: frame.channels } });
}

/** Raw sRGB pixels, 3 or 4 bytes each (alpha not premultiplied). */
export interface Frame {
  data: Buffer;
  width: number;
  channels: 3 | 4;
}

/** Porter-Duff "over" of a placed overlay onto `frame`, in place. The overlay must lie inside the frame. */
export function blendOver(frame: Frame, placed: PlacedOverlay): void {
  if (frame.channels === 3) blendOverOpaque(frame, placed);
  else blendOverTranslucent(frame, placed);
}

/**
 * Over an opaque frame (every photo without alpha) "over" is
 * round((overlay·A + backdrop·(255 − A)) / 255) per channel, which integer
 * arithmetic gives exactly (an integer over 255 is never a tie): no floats,
 * no division per channel. This loop runs on the event loop for every
 * stamped render, so its speed is the service's: the float version took
 * 4–5 ms for the two overlays of a 1600 px output.
 */
function blendOverOpaque({ data, width }: Frame, { overlay, left, top }: PlacedOverlay): void {
  const { rgba } = overlay;
  for (let y = 0; y < overlay.height; y++) {
    let o = y * overlay.width * 4;
    let d = ((top + y) * width + left) * 3;
    for (let x = 0; x < overlay.width; x++, o += 4, d += 3) {
      const a = rgba[o + 3]!;
      if (a === 0) continue;
      if (a === 255) {
        data[d] = rgba[o]!;
        data[d + 1] = rgba[o + 1]!;
        data[d + 2] = rgba[o + 2]!;
        continue;
      }
      const b = 255 - a;
      // floor((v + 127) / 255) is round(v / 255) for integers.
      data[d] = ((rgba[o]! * a + data[d]! * b + 127) / 255) | 0;
      data[d + 1] = ((rgba[o + 1]! * a + data[d + 1]! * b + 127) / 255) | 0;
      data[d + 2] = ((rgba[o + 2]! * a + data[d + 2]! * b + 127) / 255) | 0;
    }
  }
}

/** "over" onto a frame with its own alpha (photos with transparency), in floats. */
function blendOverTranslucent({ data, width }: Frame, { overlay, left, top }: PlacedOverlay): void {
  const { rgba } = overlay;
  for (let y = 0; y < overlay.height; y++) {
    let o = y * overlay.width * 4;
    let d = ((top + y) * width + left) * 4;
    for (let x = 0; x < overlay.width; x++, o += 4, d += 4) {
      const a = rgba[o + 3]! / 255;
      if (a === 0) continue;
      // Over a translucent pixel the backdrop weighs its own alpha times 1 - a.
      const under = (data[d + 3]! / 255) * (1 - a);
      const out = a + under;
      for (let c = 0; c < 3; c++) data[d + c] = Math.round((rgba[o + c]! * a + data[d + c]! * under) / out);
      data[d + 3] = Math.round(out * 255);
    }
  }
}
