import { unprocessable } from '../../../lib/errors.js';

/** One ISOBMFF box: its type and where its payload lies in the buffer. */
export interface Box {
  type: string;
  /** Offset of the box header. */
  start: number;
  /** Offset of the payload, after the size, type and any 64-bit size. */
  body: number;
  /** Offset just past the box, as its size declares. */
  end: number;
}

const corrupt = (why: string) => unprocessable('corrupt', `the HEIF header is corrupt: ${why}`);

/**
 * The boxes laid one after another in `b[from, to)`. A box whose declared size
 * runs past its parent, or is smaller than its own header, is a lie and throws
 * 422: every offset the readers below use is checked against these bounds
 * first. `open` lets the last top-level box (the mdat) run past the head.
 */
export function* boxes(b: Buffer, from: number, to: number, open = false): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    let body = at + 8;
    if (size === 1) {
      if (at + 16 > to) throw corrupt(`${type} box is cut short`);
      const large = b.readBigUInt64BE(at + 8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`${type} box is ${large} bytes`);
      size = Number(large);
      body = at + 16;
    } else if (size === 0) {
      if (!open) throw corrupt(`${type} box has no size inside its parent`);
      yield { type, start: at, body, end: Number.MAX_SAFE_INTEGER };
      return;
    }
    if (size < body - at) throw corrupt(`${type} box declares ${size} bytes, less than its header`);
    if (at + size > to && !open) throw corrupt(`${type} box runs past its parent`);
    yield { type, start: at, body, end: at + size };
    at += size;
  }
  if (at !== to && !open) throw corrupt('trailing bytes after the last box');
}

/** The first child of `parent` of type `type`, if any. `skip` steps over a full box's version and flags. */
export function child(b: Buffer, parent: Box, type: string, skip = 0): Box | undefined {
  for (const box of boxes(b, parent.body + skip, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** A bounds-checked big-endian reader over one box's payload. */
export class Cursor {
  at: number;

  constructor(
    private readonly b: Buffer,
    readonly box: Box,
    skip = 0,
  ) {
    this.at = box.body + skip;
  }

  /** Reads an unsigned big-endian integer of `bytes` (0 to 4, or 8) bytes. */
  uint(bytes: number): number {
    this.need(bytes);
    const at = this.at;
    this.at += bytes;
    switch (bytes) {
      case 0:
        return 0;
      case 1:
        return this.b[at]!;
      case 2:
        return this.b.readUInt16BE(at);
      case 3:
        return this.b.readUIntBE(at, 3);
      case 4:
        return this.b.readUInt32BE(at);
      case 8: {
        const v = this.b.readBigUInt64BE(at);
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`a ${this.box.type} offset is ${v}`);
        return Number(v);
      }
      default:
        throw corrupt(`${this.box.type} uses ${bytes}-byte fields`);
    }
  }

  fourcc(): string {
    this.need(4);
    this.at += 4;
    return this.b.toString('latin1', this.at - 4, this.at);
  }

  /** Skips a NUL-terminated string. */
  cstring(): void {
    const nul = this.b.indexOf(0, this.at);
    if (nul < 0 || nul >= this.box.end) throw corrupt(`a ${this.box.type} string is unterminated`);
    this.at = nul + 1;
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.box.end) throw corrupt(`${this.box.type} box is shorter than its fields`);
  }
}
