import type { ImageFormat } from '../../../lib/photos/manifest.js';
import { inSpan } from '../../../lib/tracing/span.js';
import type { MasterSpec, SizeSpec } from '../config.js';
import type { MasterPixels } from './decode-master.js';
import { encode, fromMaster } from './encode.js';
import { ultraHdrMaster, ultraHdrSize } from './gain-map.js';

/** An encoded rendition, ready to store. */
export interface Rendered {
  /** `master` or the size's name. */
  name: string;
  format: ImageFormat;
  width: number;
  height: number;
  data: Buffer;
  /** Carries the original's Ultra HDR gain map. */
  gainMap?: true;
}

/**
 * Encodes the master itself. The copyright survives as the only EXIF field;
 * nothing else (GPS, serials, orientation: the pixels are already upright) is written.
 * An image with alpha gets a WebP master: a JPEG one would lose the transparency.
 * An Ultra HDR original's JPEG master is cut from the original again, keeping
 * its gain map; a WebP master (CONVERTER_MASTER_FORMAT) has none.
 */
async function renderMaster(master: MasterPixels, spec: MasterSpec): Promise<Rendered> {
  const format = master.hasAlpha ? 'webp' : spec.format;
  const hdr = master.gainMapSource !== undefined && format === 'jpeg';
  let image = hdr
    ? ultraHdrMaster(master.gainMapSource!, spec)
    : encode(fromMaster(master), format, spec.quality, master.hasAlpha, spec.chroma);
  if (master.copyright) image = image.withExif({ IFD0: { Copyright: master.copyright } });
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return {
    name: 'master',
    format,
    width: info.width,
    height: info.height,
    data,
    ...(hdr && { gainMap: true }),
  };
}

/**
 * Resizes the master's pixels (already decoded, never the original again) to
 * one configured size. A JPEG size of an Ultra HDR photo is cut from the
 * encoded master instead, the one input that still has the gain map; WebP
 * and AVIF sizes are the SDR base only.
 */
async function renderSize(
  master: MasterPixels,
  size: SizeSpec,
  spec: MasterSpec,
  hdrMaster?: Rendered,
): Promise<Rendered> {
  const hdr = hdrMaster !== undefined && size.format === 'jpeg';
  const image = hdr
    ? ultraHdrSize(hdrMaster.data, size)
    : encode(
        fromMaster(master).resize({
          width: size.width,
          height: size.height,
          fit: size.fit,
          withoutEnlargement: true,
        }),
        size.format,
        size.quality,
        master.hasAlpha,
        spec.chroma,
      );
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return {
    name: size.name,
    format: size.format,
    width: info.width,
    height: info.height,
    data,
    ...(hdr && { gainMap: true }),
  };
}

/**
 * The master, then every size, encoded one after another from the same
 * pixels. Not all at once: with two photos in flight the other photo keeps
 * the second core busy, and five pipelines at once only held more buffers
 * (2 progressive 18 MP photos in flight: peak RSS 341-357 MB at once, 335-337
 * MB one by one) and cost more CPU in hand-offs (1.35 vs 1.22-1.27 s per photo).
 */
export async function renderAll(
  master: MasterPixels,
  spec: MasterSpec,
  sizes: SizeSpec[],
): Promise<Rendered[]> {
  const masterRendition = await inSpan('render master', () => renderMaster(master, spec));
  const hdrMaster = masterRendition.gainMap ? masterRendition : undefined;
  const rendered = [masterRendition];
  for (const size of sizes) {
    const attributes = { 'enlarger.size': size.name, 'enlarger.format': size.format };
    rendered.push(
      await inSpan(`render ${size.name}`, () => renderSize(master, size, spec, hdrMaster), { attributes }),
    );
  }
  return rendered;
}
