/**
 * How an image fits a width × height box, in sharp's terms. The converter's
 * sizes (`CONVERTER_SIZES`, the CRD's `spec.converter.sizes`) and the
 * resizer's `fit=` both take these.
 */
export const FITS = ['cover', 'contain', 'inside', 'outside', 'fill'] as const;
export type Fit = (typeof FITS)[number];
