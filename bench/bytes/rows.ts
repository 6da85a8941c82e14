/**
 * What `make bench-bytes` compares: stored-copy candidates (converter
 * settings, seeded once each) and resizer rows (encoder settings over one of
 * them). Each lever is one row that differs from `before` in one setting, so
 * its effect is measured on its own, in the same run.
 */
import type { OutputFormat } from '../../lib/photos/formats.js';

/** A set of stored copies: the converter's env for it. */
export interface Store {
  name: string;
  env: Record<string, string>;
}

/** The stored copies before issue 29, written out so a change of defaults does not move this row. */
const THUMB = { name: 'thumb', width: 320, height: 320, fit: 'cover', format: 'webp', quality: 75 };
const OLD_SIZES = JSON.stringify([
  THUMB,
  { name: 'small', width: 640, fit: 'inside', format: 'jpeg', quality: 80 },
  { name: 'medium', width: 1280, fit: 'inside', format: 'jpeg', quality: 82 },
  { name: 'large', width: 1920, fit: 'inside', format: 'webp', quality: 80 },
]);
/** The same steps, every one at q95 (JPEG at 4:4:4, from CONVERTER_JPEG_CHROMA). */
export const Q95_SIZES = JSON.stringify([
  THUMB,
  { name: 'small', width: 640, fit: 'inside', format: 'jpeg', quality: 95 },
  { name: 'medium', width: 1280, fit: 'inside', format: 'jpeg', quality: 95 },
  { name: 'large', width: 1920, fit: 'inside', format: 'webp', quality: 95 },
]);

/** Converter env of each stored-copy candidate, by store name; `bench/peers/levers.ts` seeds the same ones. */
export const STORE_ENV: Record<string, Record<string, string>> = {
  old: { CONVERTER_MASTER_QUALITY: '88', CONVERTER_JPEG_CHROMA: '4:2:0', CONVERTER_SIZES: OLD_SIZES },
  'q95-444': { CONVERTER_MASTER_QUALITY: '95', CONVERTER_JPEG_CHROMA: '4:4:4', CONVERTER_SIZES: Q95_SIZES },
  // q95 copies at 4:2:0: half the chroma to decode on every render.
  'q95-420': { CONVERTER_MASTER_QUALITY: '95', CONVERTER_JPEG_CHROMA: '4:2:0', CONVERTER_SIZES: Q95_SIZES },
  // Every render cut from the 2048 px master, by JPEG shrink-on-load.
  'master-q95-444': {
    CONVERTER_MASTER_QUALITY: '95',
    CONVERTER_JPEG_CHROMA: '4:4:4',
    CONVERTER_SIZES: JSON.stringify([THUMB]),
  },
};

export const STORES: Store[] = [
  ...Object.entries(STORE_ENV).map(([name, env]) => ({ name, env })),
  // This tree's converter defaults, whatever they are.
  { name: 'defaults', env: {} },
];

/** The resizer's encoder settings before issue 29, written out for the same reason. */
const OLD_ENCODER = {
  RESIZER_JPEG_QUALITY: '80',
  RESIZER_WEBP_QUALITY: '80',
  RESIZER_AVIF_QUALITY: '55',
  RESIZER_JPEG_TRELLIS: 'false',
  RESIZER_JPEG_CHROMA: '4:2:0',
  RESIZER_WEBP_EFFORT: '2',
  RESIZER_AVIF_CHROMA: '4:4:4',
  RESIZER_AVIF_EFFORT: '2',
};

/** One resizer measured: its stored copies, its env, the formats it is asked for. */
export interface Row {
  name: string;
  store: string;
  env: Record<string, string>;
  /** Formats the row differs in; a lever is only measured where it acts. */
  formats: OutputFormat[];
  /** Also render each q=95 output from the original in process: the stored copies' generation loss. */
  fromOriginal: boolean;
}

const ALL: OutputFormat[] = ['jpeg', 'webp', 'avif'];

export const ROWS: Row[] = [
  { name: 'before', store: 'old', env: OLD_ENCODER, formats: ALL, fromOriginal: true },
  {
    name: 'jpeg-trellis',
    store: 'old',
    env: { ...OLD_ENCODER, RESIZER_JPEG_TRELLIS: 'true' },
    formats: ['jpeg'],
    fromOriginal: false,
  },
  {
    name: 'jpeg-444',
    store: 'old',
    env: { ...OLD_ENCODER, RESIZER_JPEG_CHROMA: '4:4:4' },
    formats: ['jpeg'],
    fromOriginal: false,
  },
  {
    name: 'webp-effort4',
    store: 'old',
    env: { ...OLD_ENCODER, RESIZER_WEBP_EFFORT: '4' },
    formats: ['webp'],
    fromOriginal: false,
  },
  {
    name: 'avif-420',
    store: 'old',
    env: { ...OLD_ENCODER, RESIZER_AVIF_CHROMA: '4:2:0' },
    formats: ['avif'],
    fromOriginal: false,
  },
  {
    name: 'avif-effort4',
    store: 'old',
    env: { ...OLD_ENCODER, RESIZER_AVIF_EFFORT: '4' },
    formats: ['avif'],
    fromOriginal: false,
  },
  {
    // imgproxy's default AVIF quality (63) in place of 55: the default score's gap at no render cost?
    name: 'avif-q63',
    store: 'old',
    env: { ...OLD_ENCODER, RESIZER_AVIF_QUALITY: '63' },
    formats: ['avif'],
    fromOriginal: false,
  },
  {
    // The old copies, each render from one at least 2× the asked width: generation loss averaged away?
    name: 'margin-2',
    store: 'old',
    env: { ...OLD_ENCODER, RESIZER_SOURCE_MARGIN: '2' },
    formats: ALL,
    fromOriginal: true,
  },
  { name: 'store-q95-444', store: 'q95-444', env: OLD_ENCODER, formats: ALL, fromOriginal: true },
  { name: 'store-q95-420', store: 'q95-420', env: OLD_ENCODER, formats: ALL, fromOriginal: true },
  {
    name: 'store-master-q95-444',
    store: 'master-q95-444',
    env: OLD_ENCODER,
    formats: ALL,
    fromOriginal: true,
  },
  // This tree's defaults, converter and resizer.
  { name: 'after', store: 'defaults', env: {}, formats: ALL, fromOriginal: true },
];
