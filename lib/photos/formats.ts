import { z } from 'zod';

/**
 * The one table of image formats: what media accepts, what storage is told,
 * what file names end in, which libvips loader reads each, which the
 * services write (`output`: the converter's sizes, the resizer's `fmt=`)
 * and which the converter may store its master in (`master`). Media's
 * allowed list, the resizer's requested formats, the master formats of the
 * CRD and the converter, and every Content-Type come from here. Adding a
 * format is one row here.
 */
export const FORMATS = {
  jpeg: { mime: 'image/jpeg', extension: 'jpg', loader: 'jpeg', output: true, master: true },
  png: { mime: 'image/png', extension: 'png', loader: 'png', output: true, master: false },
  webp: { mime: 'image/webp', extension: 'webp', loader: 'webp', output: true, master: true },
  // libvips reads AVIF with its HEIF loader, and reports it under that name.
  // Not a master: every size is cut from the master, and an AVIF decode costs several times a WebP one.
  avif: { mime: 'image/avif', extension: 'avif', loader: 'heif', output: true, master: false },
  gif: { mime: 'image/gif', extension: 'gif', loader: 'gif', output: false, master: false },
  tiff: { mime: 'image/tiff', extension: 'tiff', loader: 'tiff', output: false, master: false },
  // iPhones' HEVC stills. sharp's libvips has no HEVC decoder, so the converter
  // decodes them with libheif in a child process (converter/pipeline/heif-decode.ts);
  // nothing ever hands a HEIC to libvips, so its loader name is only a label.
  heic: { mime: 'image/heic', extension: 'heic', loader: 'heif', output: false, master: false },
} as const satisfies Record<
  string,
  { mime: string; extension: string; loader: string; output: boolean; master: boolean }
>;

/** Formats Enlarger stores (uploads are one of these). */
export type ImageFormat = keyof typeof FORMATS;
export const IMAGE_FORMATS = Object.keys(FORMATS) as [ImageFormat, ...ImageFormat[]];
export const imageFormat = z.enum(IMAGE_FORMATS);

/** The formats of the table whose `column` is true, in table order. */
type Having<C extends 'output' | 'master'> = {
  [F in ImageFormat]: (typeof FORMATS)[F][C] extends true ? F : never;
}[ImageFormat];
const having = <C extends 'output' | 'master'>(column: C) =>
  IMAGE_FORMATS.filter((f) => FORMATS[f][column]) as [Having<C>, ...Having<C>[]];

/** Formats the converter and the resizer write. */
export type OutputFormat = Having<'output'>;
export const OUTPUT_FORMATS = having('output');

/** Formats the converter may store a master in: cheap to decode for every size derived from it. */
export type MasterFormat = Having<'master'>;
export const MASTER_FORMATS = having('master');

/** Media types that name a stored format without being its own row: APNG is stored as PNG, HEIF as HEIC. */
const MIME_ALIASES: Record<string, ImageFormat> = {
  'image/apng': 'png',
  // A HEIF whose major brand is the generic `mif1`; media's brand check keeps it to stills.
  'image/heif': 'heic',
};

/** The stored format a media type names, if any. */
export function formatOfMime(mime: string): ImageFormat | undefined {
  const row = IMAGE_FORMATS.find((f) => FORMATS[f].mime === mime);
  return row ?? MIME_ALIASES[mime];
}

/** The stored format libvips reports for a loader name (`heif` is AVIF here), if it is one of ours. */
export function formatOfLoader(loader: string | undefined): ImageFormat | undefined {
  return IMAGE_FORMATS.find((f) => FORMATS[f].loader === loader);
}

/** Chroma subsampling of a lossy encode: full colour resolution, or a quarter of it. */
export const CHROMA = ['4:4:4', '4:2:0'] as const;
export type Chroma = (typeof CHROMA)[number];
