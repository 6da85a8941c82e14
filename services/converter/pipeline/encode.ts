import sharp, { type Sharp } from 'sharp';
import type { Chroma, OutputFormat } from '../../../lib/photos/formats.js';
import type { MasterPixels } from './decode-master.js';

/** A sharp pipeline over the master's raw pixels. */
export function fromMaster(master: MasterPixels): Sharp {
  return sharp(master.data, {
    raw: { width: master.width, height: master.height, channels: master.channels },
  });
}

/**
 * Encodes with the settings the resizer relies on. JPEG is baseline, not
 * progressive: libjpeg can only shrink-on-load baseline files, which makes
 * every later resize several times faster. JPEG has no alpha, so transparent
 * images are flattened on white rather than left to turn black.
 */
export function encode(
  image: Sharp,
  format: OutputFormat,
  quality: number,
  hasAlpha: boolean,
  chroma: Chroma,
): Sharp {
  switch (format) {
    case 'jpeg':
      return (hasAlpha ? image.flatten({ background: '#ffffff' }) : image).jpeg({
        quality,
        progressive: false,
        chromaSubsampling: chroma,
      });
    case 'webp':
      return image.webp({ quality, effort: 2 });
    case 'avif':
      return image.avif({ quality, effort: 2 });
    case 'png':
      return image.png({ compressionLevel: 6 });
  }
}
