import { gifWithFrames } from './lying-headers.js';
import { noise } from './noise.js';
import { zeroGreyPng } from './png-chunks.js';

/** An upload that must be refused, and the status it must get. */
export interface HostileUpload {
  name: string;
  data: Buffer;
  status: number;
}

/** A noisy JPEG: big enough that cutting it leaves a valid header and half a scan. */
const noisyJpeg = (width: number, height: number) => noise(width, height).jpeg({ quality: 90 }).toBuffer();

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
 * A GIF whose header claims `screen` but whose one frame, at the origin, is
 * `frame`: the header check passes and the decoder would allocate the frame.
 */
export const gifWithFrame = (screen: [number, number], frame: [number, number]): Buffer =>
  gifWithFrames(screen, [{ left: 0, top: 0, width: frame[0], height: frame[1] }]);

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
    { name: 'png-bomb-20000', data: await zeroGreyPng(20_000, 8), status: 422 },
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
