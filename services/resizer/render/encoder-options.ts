import type { AvifOptions, JpegOptions, PngOptions, WebpOptions } from 'sharp';
import type { Chroma, OutputFormat } from '../../../lib/photos/formats.js';

/**
 * How the resizer's encoders trade bytes, CPU and fidelity. Each field is a
 * lever `make bench-bytes` measures on its own (BENCHMARKS.md, "Bytes at equal
 * SSIMULACRA2").
 */
export interface EncoderSettings {
  /** Default quality per format when the URL gives no `q`. */
  quality: Record<Exclude<OutputFormat, 'png'>, number>;
  /**
   * mozjpeg's trellis quantisation and optimised Huffman tables on a baseline
   * JPEG: fewer bytes at the same quality for a little more CPU.
   */
  jpegTrellis: boolean;
  jpegChroma: Chroma;
  /** libvips CPU effort: lower is faster and a little larger. */
  webpEffort: number;
  avifEffort: number;
  avifChroma: Chroma;
}

export type EncoderOptions =
  | { format: 'jpeg'; options: JpegOptions }
  | { format: 'webp'; options: WebpOptions }
  | { format: 'avif'; options: AvifOptions }
  | { format: 'png'; options: PngOptions };

/** The sharp options of one output in `format`, at `quality` or the format's default. */
export function encoderOptions(
  format: OutputFormat,
  quality: number | undefined,
  s: EncoderSettings,
): EncoderOptions {
  switch (format) {
    case 'png':
      return { format, options: { compressionLevel: 6, adaptiveFiltering: false } };
    case 'webp':
      return { format, options: { quality: quality ?? s.quality.webp, effort: s.webpEffort } };
    case 'avif':
      return {
        format,
        options: {
          quality: quality ?? s.quality.avif,
          effort: s.avifEffort,
          chromaSubsampling: s.avifChroma,
        },
      };
    case 'jpeg':
      return {
        format,
        options: {
          quality: quality ?? s.quality.jpeg,
          chromaSubsampling: s.jpegChroma,
          // Baseline, not progressive: cheaper to write, and the CDN delivers whole
          // files anyway. Trellis and Huffman optimisation keep it baseline.
          progressive: false,
          mozjpeg: false,
          trellisQuantisation: s.jpegTrellis,
          overshootDeringing: s.jpegTrellis,
          optimiseCoding: true,
        },
      };
  }
}
