import { crc32 } from 'node:zlib';
import type { ImageFormat } from '../../lib/photos/formats.js';
import type { Rng } from './rng.js';

/** One edit of a file: returns new bytes and leaves its input alone. */
export interface Mutator {
  name: string;
  /** Formats it understands; absent for byte-level edits that apply to anything. */
  formats?: readonly ImageFormat[];
  apply(data: Buffer, rng: Rng): Buffer;
}

/** Values that sit on the edges decoders get wrong: zero, one, sign bits, all ones, the limits. */
const EDGE_U16 = [0, 1, 2, 255, 256, 2048, 2049, 8192, 16_383, 16_384, 16_385, 32_767, 32_768, 65_535];
const EDGE_U32 = [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 16_384, 65_536, 1 << 24];

/** Anything, as a sequence of bytes. */
const byteLevel: Mutator[] = [
  {
    name: 'bit-flips',
    apply(data, rng) {
      const out = Buffer.from(data);
      for (let i = 1 + rng.int(8); i > 0; i--) out[rng.int(out.length)]! ^= 1 << rng.int(8);
      return out;
    },
  },
  {
    name: 'edge-bytes',
    apply(data, rng) {
      const out = Buffer.from(data);
      for (let i = 1 + rng.int(4); i > 0; i--) out[rng.int(out.length)] = rng.pick([0, 0xff, 0x7f, 0x80]);
      return out;
    },
  },
  {
    name: 'truncate',
    apply: (data, rng) => data.subarray(0, rng.int(data.length)),
  },
  {
    name: 'cut-middle',
    apply(data, rng) {
      const from = rng.int(data.length);
      return Buffer.concat([data.subarray(0, from), data.subarray(from + 1 + rng.int(256))]);
    },
  },
  {
    name: 'repeat-span',
    apply(data, rng) {
      const from = rng.int(data.length);
      const span = data.subarray(from, from + 1 + rng.int(512));
      return Buffer.concat([
        data.subarray(0, from),
        ...Array<Buffer>(1 + rng.int(64)).fill(span),
        data.subarray(from),
      ]);
    },
  },
  {
    name: 'polyglot',
    apply(data, rng) {
      const text = Buffer.from(
        rng.pick(['<html><body>', '<?xml version="1.0"?><svg>', '%PDF-1.4\n', 'PK\u0003\u0004']),
      );
      return rng.chance(0.5) ? Buffer.concat([text, data]) : Buffer.concat([data, text, data]);
    },
  },
];

/** JPEG: its markers and segments. */
function jpegSegments(data: Buffer): { at: number; marker: number; length: number }[] {
  const segments = [];
  for (let at = 2; at + 4 <= data.length && data[at] === 0xff;) {
    const marker = data[at + 1]!;
    const length = data.readUInt16BE(at + 2);
    segments.push({ at, marker, length });
    if (marker === 0xda) break;
    at += 2 + length;
  }
  return segments;
}

const jpeg: Mutator[] = [
  {
    name: 'jpeg-sof-size',
    formats: ['jpeg'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const sof = jpegSegments(out).find((s) => s.marker >= 0xc0 && s.marker <= 0xc3);
      if (sof) out.writeUInt16BE(rng.pick(EDGE_U16), sof.at + (rng.chance(0.5) ? 5 : 7));
      return out;
    },
  },
  {
    name: 'jpeg-segment-length',
    formats: ['jpeg'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const segments = jpegSegments(out);
      if (segments.length) out.writeUInt16BE(rng.pick(EDGE_U16), rng.pick(segments).at + 2);
      return out;
    },
  },
  {
    name: 'jpeg-leading-app-segments',
    formats: ['jpeg'],
    apply(data, rng) {
      const segment = Buffer.alloc(65_537, 0x41);
      segment.writeUInt16BE(0xffe0 + rng.int(16), 0);
      segment.writeUInt16BE(65_535, 2);
      return Buffer.concat([
        data.subarray(0, 2),
        ...Array<Buffer>(1 + rng.int(12)).fill(segment),
        data.subarray(2),
      ]);
    },
  },
];

/** PNG: chunks, with the CRC mended so only the field edited is wrong. */
function pngChunks(data: Buffer): { at: number; type: string; length: number }[] {
  const chunks = [];
  for (let at = 8; at + 12 <= data.length;) {
    const length = data.readUInt32BE(at);
    chunks.push({ at, type: data.toString('latin1', at + 4, at + 8), length });
    at += 12 + length;
  }
  return chunks;
}

function mendCrc(out: Buffer, chunk: { at: number; length: number }): void {
  const end = chunk.at + 8 + chunk.length;
  if (end + 4 <= out.length) out.writeUInt32BE(crc32(out.subarray(chunk.at + 4, end)), end);
}

function pngTextChunk(bytes: number): Buffer {
  const body = Buffer.concat([Buffer.from('Comment\0'), Buffer.alloc(bytes, 0x62)]);
  const chunk = Buffer.alloc(12 + body.length);
  chunk.writeUInt32BE(body.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  body.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + body.length)), 8 + body.length);
  return chunk;
}

const png: Mutator[] = [
  {
    name: 'png-ihdr-field',
    formats: ['png'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const ihdr = pngChunks(out).find((c) => c.type === 'IHDR');
      if (!ihdr) return out;
      const field = rng.int(4);
      if (field < 2) out.writeUInt32BE(rng.pick([...EDGE_U32, ...EDGE_U16]), ihdr.at + 8 + field * 4);
      else out[ihdr.at + 16 + field - 2] = rng.pick([0, 1, 2, 3, 4, 6, 8, 16, 255]); // bit depth, colour type
      mendCrc(out, ihdr);
      return out;
    },
  },
  {
    name: 'png-chunk-length',
    formats: ['png'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const chunks = pngChunks(out);
      if (chunks.length) out.writeUInt32BE(rng.pick(EDGE_U32), rng.pick(chunks).at);
      return out;
    },
  },
  {
    name: 'png-leading-text',
    formats: ['png'],
    apply(data, rng) {
      const ihdr = pngChunks(data).find((c) => c.type === 'IHDR');
      if (!ihdr) return data;
      const end = ihdr.at + 12 + ihdr.length;
      const text = Array.from({ length: 1 + rng.int(12) }, () => pngTextChunk(60_000));
      return Buffer.concat([data.subarray(0, end), ...text, data.subarray(end)]);
    },
  },
];

/** GIF: the logical screen and each frame's descriptor. */
function gifDescriptors(data: Buffer): number[] {
  const found = [];
  // An image separator right after the end of a block (a zero-length sub-block): a frame's descriptor.
  for (let at = 13; at + 10 <= data.length; at++) if (data[at] === 0x2c && data[at - 1] === 0) found.push(at);
  return found;
}

const gif: Mutator[] = [
  {
    name: 'gif-screen',
    formats: ['gif'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const screen = rng.pick([
        [0, 16],
        [16, 0],
        [8, 16_383],
        [12_000, 8_192],
        [640, 480],
        [1, 1],
        [2049, 10],
      ]);
      out.writeUInt16LE(screen[0]!, 6);
      out.writeUInt16LE(screen[1]!, 8);
      return out;
    },
  },
  {
    name: 'gif-frame-box',
    formats: ['gif'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const descriptors = gifDescriptors(out);
      if (descriptors.length)
        out.writeUInt16LE(rng.pick(EDGE_U16), rng.pick(descriptors) + 1 + 2 * rng.int(4));
      return out;
    },
  },
];

/** WebP: the RIFF size and the dimensions in each kind of first chunk. */
const webp: Mutator[] = [
  {
    name: 'webp-riff-size',
    formats: ['webp'],
    apply(data, rng) {
      const out = Buffer.from(data);
      out.writeUInt32LE(rng.pick(EDGE_U32), 4);
      return out;
    },
  },
  {
    name: 'webp-dimensions',
    formats: ['webp'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const chunk = out.toString('latin1', 12, 16);
      if (chunk === 'VP8 ') out.writeUInt16LE(rng.pick(EDGE_U16) & 0x3fff, 26 + 2 * rng.int(2));
      else if (chunk === 'VP8L') out.writeUInt32LE((rng.next() * 0xffff_ffff) >>> 0, 21);
      else if (chunk === 'VP8X') out.writeUIntLE(rng.int(1 << 24), 24 + 3 * rng.int(2), 3);
      return out;
    },
  },
];

/** TIFF: the first directory's offset and its entries' values. */
const tiff: Mutator[] = [
  {
    name: 'tiff-directory-offset',
    formats: ['tiff'],
    apply(data, rng) {
      const out = Buffer.from(data);
      out.writeUInt32LE(rng.chance(0.5) ? rng.int(out.length) : rng.pick(EDGE_U32), 4);
      return out;
    },
  },
  {
    name: 'tiff-entry-value',
    formats: ['tiff'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const ifd = out.readUInt32LE(4);
      if (ifd + 2 > out.length) return out;
      const count = out.readUInt16LE(ifd);
      const entry = ifd + 2 + 12 * rng.int(Math.max(1, count));
      if (entry + 12 <= out.length) out.writeUInt32LE(rng.pick(EDGE_U32), entry + 8);
      return out;
    },
  },
];

/** AVIF: the ISOBMFF boxes, the image's declared size (`ispe`) above all. */
const avif: Mutator[] = [
  {
    name: 'avif-ispe',
    formats: ['avif'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const at = out.indexOf('ispe', 0, 'latin1');
      if (at > 0) out.writeUInt32BE(rng.pick(EDGE_U32), at + 8 + 4 * rng.int(2));
      return out;
    },
  },
  {
    name: 'avif-box-size',
    formats: ['avif'],
    apply(data, rng) {
      const out = Buffer.from(data);
      const boxes = ['ftyp', 'meta', 'iloc', 'iprp', 'ipco', 'mdat']
        .map((t) => out.indexOf(t, 0, 'latin1'))
        .filter((i) => i >= 4);
      if (boxes.length) out.writeUInt32BE(rng.pick(EDGE_U32), rng.pick(boxes) - 4);
      return out;
    },
  },
];

export const MUTATORS: Mutator[] = [...byteLevel, ...jpeg, ...png, ...gif, ...webp, ...tiff, ...avif];

/** The mutators that apply to a file of `format`. */
export const mutatorsFor = (format: ImageFormat): Mutator[] =>
  MUTATORS.filter((m) => !m.formats || m.formats.includes(format));
