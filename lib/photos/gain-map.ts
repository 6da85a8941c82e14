import type { Sharp } from 'sharp';

/**
 * Ultra HDR (ISO 21496-1) gain maps, kept from upload to render.
 *
 * An Ultra HDR JPEG is an ordinary SDR JPEG, the base image every browser
 * shows, with a small gain-map JPEG and its metadata appended (MPF, and an
 * APP2 `urn:iso:std:iso:ts:21496-1` segment). A screen with HDR headroom
 * brightens the base by the map; any other screen shows the base as it is.
 * sharp keeps the map only on a JPEG-to-JPEG pipeline that never leaves
 * libvips (no raw pixels in between), so the converter cuts the master again
 * from the original and the JPEG sizes from the master, and the resizer asks
 * for it on a JPEG output from a source that has one. WebP and AVIF outputs,
 * and watermarked ones (the stamp is blended in raw pixels), are SDR: the
 * base alone.
 */

/**
 * sharp 0.35's `keepGainMap()`: the map is resized, cropped and turned with
 * the image and re-attached on JPEG output; it is a no-op on an input without
 * one. It also turns off JPEG shrink-on-load, so it is only asked for where a
 * map exists. Not in sharp's type declarations yet, hence the cast.
 */
export function keepGainMap(image: Sharp): Sharp {
  return (image as Sharp & { keepGainMap(): Sharp }).keepGainMap();
}
