/**
 * Ways of stamping the watermark that the resizer does not use, kept so
 * `make bench-watermark` can price them beside the one it does.
 */
import type { OverlayOptions, Sharp } from 'sharp';
import type { Dimensions } from '../services/resizer/render/resize.js';
import {
  placedOverlays,
  throughRawPixels,
  type OverlaySource,
  type PlacedOverlay,
  type WatermarkSettings,
  type Frame,
} from '../services/resizer/render/watermark.js';

/** The cached overlays as libvips composite inputs, each at its place. */
function compositeInputs(list: PlacedOverlay[]): OverlayOptions[] {
  return list.map(({ overlay, left, top }) => ({
    input: overlay.rgba,
    raw: { width: overlay.width, height: overlay.height, channels: 4 as const },
    left,
    top,
  }));
}

/** The resizer before this change: the whole frame rendered to raw sRGB, overlays blended in JS, encoded from raw. */
export async function legacyFullFrameStamp(
  image: Sharp,
  output: Dimensions,
  photographer: string,
  overlays: OverlaySource,
  settings: WatermarkSettings,
): Promise<Sharp> {
  const list = await placedOverlays(output, photographer, overlays, settings);
  if (list.length === 0) return image;
  return throughRawPixels(image, (frame) => {
    for (const p of list) floatBlendOver(frame, p);
  });
}

/** libvips' composite of the cached overlays at their places, in the one pipeline. */
export async function sharpComposite(
  image: Sharp,
  output: Dimensions,
  photographer: string,
  overlays: OverlaySource,
  settings: WatermarkSettings,
): Promise<Sharp> {
  const list = await placedOverlays(output, photographer, overlays, settings);
  if (list.length === 0) return image;
  return image.composite(compositeInputs(list));
}

/** The resizer's blend before this change: floats per channel, for 3 or 4 channels. */
export function floatBlendOver(frame: Frame, { overlay, left, top }: PlacedOverlay): void {
  const { data, width, channels } = frame;
  const { rgba } = overlay;
  for (let y = 0; y < overlay.height; y++) {
    let o = y * overlay.width * 4;
    let d = ((top + y) * width + left) * channels;
    for (let x = 0; x < overlay.width; x++, o += 4, d += channels) {
      const a = rgba[o + 3]! / 255;
      if (a === 0) continue;
      const under = channels === 4 ? (data[d + 3]! / 255) * (1 - a) : 1 - a;
      const out = a + under;
      for (let c = 0; c < 3; c++) data[d + c] = Math.round((rgba[o + c]! * a + data[d + c]! * under) / out);
      if (channels === 4) data[d + 3] = Math.round(out * 255);
    }
  }
}

/** The stamp's raw round trip with nothing blended: what splitting the render in two costs by itself. */
export function rawRoundTripOnly(image: Sharp): Promise<Sharp> {
  return throughRawPixels(image, () => undefined);
}

/**
 * libvips' composite of one transparent pixel: nothing to blend, so what it
 * costs is composite's own (an alpha band on the whole frame and small-tile
 * demand on the decode and resize upstream), whatever the overlays' size.
 */
export function compositeOfNothing(image: Sharp): Sharp {
  return image.composite([
    { input: Buffer.alloc(4), raw: { width: 1, height: 1, channels: 4 }, left: 0, top: 0 },
  ]);
}

/**
 * The raw round trip, then libvips' composite of the cached overlays in the
 * encode run. No resize runs there, so sharp adds the alpha band and
 * premultiplies after the resize instead of before it: what composite costs
 * by itself, on the output frame.
 */
export async function compositeAfterRoundTrip(
  image: Sharp,
  output: Dimensions,
  photographer: string,
  overlays: OverlaySource,
  settings: WatermarkSettings,
): Promise<Sharp> {
  const list = await placedOverlays(output, photographer, overlays, settings);
  const raw = await throughRawPixels(image, () => undefined);
  return list.length === 0 ? raw : raw.composite(compositeInputs(list));
}
