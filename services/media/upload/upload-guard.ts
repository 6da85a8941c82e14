import { Transform, type TransformCallback } from 'node:stream';
import { unprocessable } from '../../../lib/errors.js';
import type { ImageFormat } from '../../../lib/photos/manifest.js';
import type { MediaLimits } from '../config.js';
import type { ByteLimit } from './byte-limit.js';
import type { HeaderInfo } from './header-dimensions.js';
import { GifFrameScanner } from './gif-frames.js';
import { checkDimensions, checkWithinLimits } from './limits.js';
import { TiffDirectoryReader } from './tiff-directory.js';
import { isComplete, TAIL_BYTES } from './trailer.js';

/**
 * Sits between the request and storage and checks what can only be checked
 * while streaming: the byte limit, the trailer, for TIFF the directory and
 * for GIF every frame's size.
 * It fails the stream *before* signalling its end, so storage aborts the
 * write and a refused upload leaves nothing behind.
 */
export class UploadGuard extends Transform {
  bytes = 0;
  /** The last chunks, just enough of them to cover TAIL_BYTES; joined once, at the end. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private readonly tiff: TiffDirectoryReader | undefined;
  private readonly gif: GifFrameScanner | undefined;

  constructor(
    private readonly format: ImageFormat,
    private readonly head: Buffer,
    private readonly limits: MediaLimits,
    /** Known from the head; for TIFF it is filled in at the end. */
    public info: HeaderInfo | undefined,
    /** Media's limit or the upload token's, whichever is smaller. */
    private readonly byteLimit: ByteLimit,
  ) {
    super();
    this.tiff = info ? undefined : new TiffDirectoryReader(head);
    // The canvas is what decodes; each frame's own extent is held to the limits too, as
    // a decoder that did not clip later frames would allocate it. Checked as the frames
    // stream past, so a 100,000-frame file is refused at the first one too big.
    this.gif =
      format === 'gif'
        ? new GifFrameScanner((frame, canvas) => {
            checkDimensions(canvas, limits);
            checkWithinLimits({ width: frame.left + frame.width, height: frame.top + frame.height }, limits);
          })
        : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.byteLimit.bytes) {
      callback(this.byteLimit.refusal());
      return;
    }
    this.tiff?.push(chunk);
    try {
      this.gif?.push(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.keepTail(chunk);
    callback(null, chunk);
  }

  /** Holds references, not copies: copying every chunk would churn memory on a 300 MB upload. */
  private keepTail(chunk: Buffer): void {
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - this.tail[0]!.length >= TAIL_BYTES) this.tailBytes -= this.tail.shift()!.length;
  }

  override _flush(callback: TransformCallback): void {
    if (!isComplete(this.format, this.head, Buffer.concat(this.tail), this.bytes)) {
      callback(unprocessable('truncated', `the ${this.format} upload is truncated or corrupt`));
      return;
    }
    if (this.gif) {
      if (this.gif.frames === 0) {
        callback(unprocessable('corrupt', 'the gif has no frames'));
        return;
      }
      // What is recorded is what decodes: the canvas (already checked frame by frame), not the header's screen.
      this.info = { ...this.gif.canvas, hasAlpha: true };
    }
    if (this.tiff) {
      this.info = this.tiff.result();
      if (!this.info) {
        callback(unprocessable('corrupt', 'the TIFF directory is missing or unreadable'));
        return;
      }
      try {
        checkDimensions(this.info, this.limits);
      } catch (err) {
        callback(err as Error);
        return;
      }
    }
    callback();
  }
}
