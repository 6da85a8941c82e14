import { createDeflate } from 'node:zlib';
import { PNG_SIGNATURE, pngChunk } from './png-chunks.js';
import { noise } from './noise.js';

/** An upload that must be refused, and the status it must get. */
export interface HostileUpload {
  name: string;
  data: Buffer;
  status: number;
}

/** A noisy JPEG: big enough that cutting it leaves a valid header and half a scan. */
const noisyJpeg = (width: number, height: number) => noise(width, height).jpeg({ quality: 90 }).toBuffer();

/**
 * A 20000×20000 greyscale PNG of zeros: about 400 KB on the wire, 400 MB
 * decoded. Written by hand, with a streaming deflate, so generating it never
 * holds the 400 MB either.
 */
async function pngBomb(side: number): Promise<Buffer> {
  const row = Buffer.alloc(side + 1); // filter byte 0, then zeros
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => parts.push(chunk));
  const done = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (let y = 0; y < side; y++) {
    if (!deflate.write(row)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, no filter, no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.concat(parts)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid small JPEG whose SOF header is rewritten to claim `side`×`side`. */
async function jpegClaiming(side: number): Promise<Buffer> {
  const jpeg = Buffer.from(await noisyJpeg(64, 64));
  for (let i = 2; i < jpeg.length - 9;) {
    const marker = jpeg[i + 1]!;
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) {
      jpeg.writeUInt16BE(side, i + 5);
      jpeg.writeUInt16BE(side, i + 7);
      return jpeg;
    }
    i += 2 + length;
  }
  throw new Error('no SOF marker found');
}

/**
 * A GIF whose header claims `screen` but whose one frame is `frame`: the
 * header check passes and the decoder would allocate the frame. LZW data is a
 * single clear and end code.
 */
export function gifWithFrame(screen: [number, number], frame: [number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(screen[0], 6);
  header.writeUInt16LE(screen[1], 8);
  header[10] = 0x80; // global colour table of 2 entries
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x2c;
  descriptor.writeUInt16LE(frame[0], 5);
  descriptor.writeUInt16LE(frame[1], 7);
  return Buffer.concat([
    header,
    Buffer.from([0, 0, 0, 255, 255, 255]),
    descriptor,
    Buffer.from([2, 2, 0x4c, 0x01, 0, 0x3b]),
  ]);
}

const SVG_XXE = `<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><text y="20">&xxe;</text></svg>
`;

/** Everything media must refuse, each with its status. Deterministic apart from the JPEG noise. */
export async function hostileUploads(): Promise<HostileUpload[]> {
  const jpeg = await noisyJpeg(800, 600);
  return [
    { name: 'empty', data: Buffer.alloc(0), status: 400 },
    { name: 'text', data: Buffer.from('just some text, not a photo\n'.repeat(50)), status: 415 },
    { name: 'truncated-jpeg', data: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), status: 422 },
    { name: 'png-bomb-20000', data: await pngBomb(20_000), status: 422 },
    { name: 'jpeg-claiming-65000', data: await jpegClaiming(65_000), status: 422 },
    { name: 'gif-16x16-with-17000x9000-frame', data: gifWithFrame([16, 16], [17_000, 9_000]), status: 422 },
    { name: 'svg-external-entity', data: Buffer.from(SVG_XXE), status: 415 },
    {
      name: 'html-then-jpeg',
      data: Buffer.concat([Buffer.from('<html><body>hello</body></html>\n'), jpeg]),
      status: 415,
    },
  ];
}
