import sharp from 'sharp';

/** sRGB-encoded, on the 0–65535 scale sharp gives a float buffer (it reads one as `rgb16`); above 1.0 is HDR. */
const encoded = (linear: number) =>
  (linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.pow(linear, 1 / 2.4) - 0.055) * 65535;

/**
 * An Ultra HDR JPEG made here with sharp itself: libvips 8.18 saves an
 * scRGB image as JPEG through libultrahdr, which writes the SDR base, a gain
 * map and its ISO 21496-1 metadata. The left half is an orange that fits SDR;
 * the right half is 8× brighter, a highlight SDR clips to near white, so its
 * gain-map pixels are the bright ones: a map that followed the picture keeps
 * that split.
 */
export async function ultraHdrJpeg(width: number, height: number): Promise<Buffer> {
  const pixels = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = x < width / 2 ? 0.5 : 4;
      pixels.set([v * 0.9, v * 0.8, v * 0.3].map(encoded), (y * width + x) * 3);
    }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .toColourspace('scrgb')
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Mean of each channel over the columns [left, left + width) of an image; sharp's stats() sees only the input. */
export async function columnsMean(image: Buffer, left: number, width: number): Promise<number[]> {
  const { data, info } = await sharp(image)
    .extract({ left, top: 0, width, height: (await sharp(image).metadata()).height })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sums = new Array<number>(info.channels).fill(0);
  for (let i = 0; i < data.length; i++) sums[i % info.channels]! += data[i]!;
  return sums.map((sum) => sum / (data.length / info.channels));
}

/** One marker segment of a JPEG header: marker byte and payload. */
interface Segment {
  marker: number;
  payload: Buffer;
}

/** The marker segments before the first scan (SOS). */
function segments(jpeg: Buffer): Segment[] {
  const out: Segment[] = [];
  for (let at = 2; at + 4 <= jpeg.length && jpeg[at] === 0xff;) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xda || marker === 0xd9) break;
    const length = jpeg.readUInt16BE(at + 2);
    out.push({ marker, payload: jpeg.subarray(at + 4, at + 2 + length) });
    at += 2 + length;
  }
  return out;
}

const ISO_21496 = 'urn:iso:std:iso:ts:21496:-1\0';
const app2 = (jpeg: Buffer, prefix: string) =>
  segments(jpeg).find(
    (s) => s.marker === 0xe2 && s.payload.subarray(0, prefix.length).toString('latin1') === prefix,
  );

/** What an HDR-capable viewer needs from an Ultra HDR JPEG, as found in it; undefined for a plain JPEG. */
export interface GainMapFound {
  /** The primary image's MPF index, pointing at the appended gain map. */
  mpf: boolean;
  /** The primary image's ISO 21496-1 version segment. */
  isoVersion: boolean;
  /** The gain map's ISO 21496-1 metadata (gains, headroom, gamma), as hex. */
  isoMetadata: string | undefined;
  width: number;
  height: number;
  /** Mean gain-map value of the left and right halves. */
  leftMean: number;
  rightMean: number;
}

export async function gainMapOf(jpeg: Buffer): Promise<GainMapFound | undefined> {
  const { gainMap } = await sharp(jpeg).metadata();
  if (!gainMap) return undefined;
  const { width, height } = await sharp(gainMap.image).metadata();
  const half = Math.floor(width / 2);
  return {
    mpf: app2(jpeg, 'MPF\0') !== undefined,
    isoVersion: app2(jpeg, ISO_21496) !== undefined,
    isoMetadata: app2(gainMap.image, ISO_21496)?.payload.toString('hex'),
    width,
    height,
    leftMean: (await columnsMean(gainMap.image, 0, half))[0]!,
    rightMean: (await columnsMean(gainMap.image, width - half, half))[0]!,
  };
}
