import type { HeaderInfo } from './header-dimensions.js';

const IMAGE_WIDTH = 256;
const IMAGE_LENGTH = 257;
const EXTRA_SAMPLES = 338;
const SHORT = 3;
const LONG = 4;
/** Enough for 4096 directory entries; real files have a few dozen. */
const MAX_DIRECTORY_BYTES = 2 + 4096 * 12;

/**
 * Finds a classic TIFF's first directory as the bytes stream past and reads
 * the declared width and height from it, holding at most one directory in
 * memory. Feed it every chunk in order, then call {@link result}.
 */
export class TiffDirectoryReader {
  private readonly littleEndian: boolean;
  private readonly offset: number;
  private position = 0;
  private captured: Buffer[] = [];
  private capturedLength = 0;

  /** `head` must hold at least the 8-byte file header. */
  constructor(head: Buffer) {
    this.littleEndian = head.toString('latin1', 0, 2) === 'II';
    this.offset = this.littleEndian ? head.readUInt32LE(4) : head.readUInt32BE(4);
  }

  /** BigTIFF (version 43) has 8-byte offsets; only classic TIFF (42) is read. */
  static isClassic(head: Buffer): boolean {
    if (head.length < 8) return false;
    const le = head.toString('latin1', 0, 2) === 'II';
    return (le ? head.readUInt16LE(2) : head.readUInt16BE(2)) === 42;
  }

  /**
   * A classic TIFF header whose first directory starts past `head`: how
   * libtiff (and so libvips, GIMP, most scanners) lays files out.
   */
  static directoryAfter(head: Buffer): boolean {
    if (!TiffDirectoryReader.isClassic(head)) return false;
    const order = head.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return false;
    return new TiffDirectoryReader(head).offset >= head.length;
  }

  push(chunk: Buffer): void {
    const start = this.position;
    this.position += chunk.length;
    if (this.capturedLength >= MAX_DIRECTORY_BYTES || this.position <= this.offset) return;
    const from = Math.max(0, this.offset - start);
    const wanted = MAX_DIRECTORY_BYTES - this.capturedLength;
    const piece = chunk.subarray(from, from + wanted);
    this.captured.push(piece);
    this.capturedLength += piece.length;
  }

  /** The declared size, or undefined when the directory is missing or unreadable. */
  result(): HeaderInfo | undefined {
    const dir = Buffer.concat(this.captured, this.capturedLength);
    if (dir.length < 2) return undefined;
    const u16 = (at: number) => (this.littleEndian ? dir.readUInt16LE(at) : dir.readUInt16BE(at));
    const u32 = (at: number) => (this.littleEndian ? dir.readUInt32LE(at) : dir.readUInt32BE(at));
    const count = u16(0);
    if (dir.length < 2 + count * 12) return undefined;
    let width = 0;
    let height = 0;
    let hasAlpha = false;
    for (let i = 0; i < count; i++) {
      const at = 2 + i * 12;
      const tag = u16(at);
      const type = u16(at + 2);
      const value = type === SHORT ? u16(at + 8) : type === LONG ? u32(at + 8) : 0;
      if (tag === IMAGE_WIDTH) width = value;
      else if (tag === IMAGE_LENGTH) height = value;
      else if (tag === EXTRA_SAMPLES) hasAlpha = true;
    }
    return width > 0 && height > 0 ? { width, height, hasAlpha } : undefined;
  }
}
