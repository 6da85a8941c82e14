const COPYRIGHT_TAG = 0x8298;
const ASCII = 2;

/**
 * The EXIF Copyright (IFD0 tag 0x8298) from the raw EXIF block libvips hands
 * back, or undefined. It is the one piece of metadata the master keeps:
 * location, camera serials and the rest are stripped for privacy and size.
 */
export function exifCopyright(exif: Buffer | undefined): string | undefined {
  if (!exif || exif.length < 14) return undefined;
  // libvips returns the APP1 payload: "Exif\0\0" then a TIFF header.
  const tiff = exif.toString('latin1', 0, 4) === 'Exif' ? exif.subarray(6) : exif;
  if (tiff.length < 8) return undefined;
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) !== COPYRIGHT_TAG || u16(entry + 2) !== ASCII) continue;
    const length = u32(entry + 4);
    const start = length <= 4 ? entry + 8 : u32(entry + 8);
    if (start + length > tiff.length) return undefined;
    const text = tiff
      .toString('latin1', start, start + length)
      .replace(/\0+$/, '')
      .trim();
    return text || undefined;
  }
  return undefined;
}
