import { unprocessable } from '../../../lib/errors.js';

/** Where one GIF frame sits on the canvas, as its image descriptor declares. */
export interface GifFrame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Width and height of a canvas. */
export interface Size {
  width: number;
  height: number;
}

/**
 * The logical screen sizes libnsgif (libvips' GIF decoder) distrusts: screens
 * of common monitors, zero, or wider or taller than 2048 are what broken
 * encoders wrote, so it starts from 1×1 instead and lets the frames grow it.
 */
const DISTRUSTED_SCREENS = new Set(['640x480', '640x512', '800x600', '1024x768', '1280x1024', '1600x1200']);
const MAX_TRUSTED_SCREEN_EDGE = 2048;

/** The canvas libnsgif starts from, before any frame extends it. */
export function startingCanvas(screen: Size): Size {
  const { width, height } = screen;
  const distrusted =
    DISTRUSTED_SCREENS.has(`${width}x${height}`) ||
    width === 0 ||
    height === 0 ||
    width > MAX_TRUSTED_SCREEN_EDGE ||
    height > MAX_TRUSTED_SCREEN_EDGE;
  return distrusted ? { width: 1, height: 1 } : { width, height };
}

/** The next thing the parser waits for: a fixed number of bytes to read, or bytes to skip. */
type Step = { read: number; then: (bytes: Buffer) => Step } | { skip: number; then: () => Step } | 'done';

const EXTENSION = 0x21;
const IMAGE = 0x2c;
const TRAILER = 0x3b;

/**
 * Walks a GIF's blocks as the bytes stream past and reports every frame's
 * image descriptor, with the canvas the decoder will produce. The logical
 * screen in the header is only a hint: libnsgif grows its canvas to the first
 * frame's offset plus size, so a 16×16 header can front a 16×16 frame at
 * (16000, 9000) and decode to 16016×9016 (144 MP). Holds at most one 9-byte descriptor, whatever the file size;
 * image data is skipped by counting sub-block lengths.
 */
export class GifFrameScanner {
  private step: Step;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** The canvas so far: what the decoder allocates for the frames seen. */
  canvas: Size = { width: 0, height: 0 };
  frames = 0;

  constructor(private readonly onFrame: (frame: GifFrame, canvas: Size) => void) {
    this.step = { read: 13, then: (header) => this.afterHeader(header) };
  }

  /** Feed every chunk in order; throws (422) on a malformed block, or whatever `onFrame` throws. */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.step !== 'done') {
      const step: Step = this.step;
      if ('skip' in step) {
        const n = Math.min(step.skip, chunk.length - at);
        at += n;
        step.skip -= n;
        if (step.skip === 0) this.step = step.then();
        continue;
      }
      const n = Math.min(step.read - this.pendingLength, chunk.length - at);
      this.pending.push(chunk.subarray(at, at + n));
      this.pendingLength += n;
      at += n;
      if (this.pendingLength === step.read) {
        const bytes = Buffer.concat(this.pending, this.pendingLength);
        this.pending = [];
        this.pendingLength = 0;
        this.step = step.then(bytes);
      }
    }
  }

  private afterHeader(header: Buffer): Step {
    this.canvas = startingCanvas({ width: header.readUInt16LE(6), height: header.readUInt16LE(8) });
    return this.skipColourTable(header[10]!, () => this.block());
  }

  private block(): Step {
    return {
      read: 1,
      then: ([introducer]) => {
        if (introducer === TRAILER) return 'done';
        if (introducer === EXTENSION) return { read: 1, then: () => this.subBlocks(() => this.block()) };
        if (introducer === IMAGE) return { read: 9, then: (d) => this.afterDescriptor(d) };
        throw unprocessable('corrupt', `the gif has an unknown block 0x${introducer!.toString(16)}`);
      },
    };
  }

  private afterDescriptor(d: Buffer): Step {
    const frame = {
      left: d.readUInt16LE(0),
      top: d.readUInt16LE(2),
      width: d.readUInt16LE(4),
      height: d.readUInt16LE(6),
    };
    // libnsgif lets the first frame grow the canvas and clips every later one to it.
    if (this.frames === 0) {
      this.canvas = {
        width: Math.max(this.canvas.width, frame.left + frame.width),
        height: Math.max(this.canvas.height, frame.top + frame.height),
      };
    }
    this.frames++;
    this.onFrame(frame, this.canvas);
    // After the local colour table: the LZW minimum code size, then the data sub-blocks.
    return this.skipColourTable(d[8]!, () => ({ skip: 1, then: () => this.subBlocks(() => this.block()) }));
  }

  /** Bit 7 of a packed field says a colour table follows; bits 0-2 give its size. */
  private skipColourTable(packed: number, then: () => Step): Step {
    if ((packed & 0x80) === 0) return then();
    return { skip: 3 * 2 ** ((packed & 0x07) + 1), then };
  }

  /** Length-prefixed sub-blocks up to the zero-length terminator. */
  private subBlocks(then: () => Step): Step {
    return {
      read: 1,
      then: ([length]) => (length === 0 ? then() : { skip: length!, then: () => this.subBlocks(then) }),
    };
  }
}
