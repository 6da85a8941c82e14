import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { boxes, child, Cursor, type Box } from '../../services/media/upload/heif-boxes.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RED = { r: 220, g: 30, b: 30 };

/** One HEVC-coded image: its decoder configuration and colour properties (whole boxes) and its bitstream. */
export interface CodedImage {
  width: number;
  height: number;
  /** hvcC, colr and pixi boxes as heif-enc wrote them; ispe is written anew. */
  props: Buffer[];
  data: Buffer;
}

/**
 * Encodes a PNG (its ICC profile included) with Debian's heif-enc, installed
 * on first use by scripts/heif-enc.sh. heif-enc 1.15 writes one upright,
 * untiled image; {@link muxHeif} builds the rotated and tiled files iPhones
 * write from its output.
 */
export function heifEnc(png: Buffer, quality = 70): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heif-enc-'));
  try {
    writeFileSync(path.join(dir, 'in.png'), png);
    const out = path.join(dir, 'out.heic');
    const args = ['-q', String(quality), '-p', 'preset=ultrafast', '-o', out, path.join(dir, 'in.png')];
    execFileSync(path.join(REPO, 'scripts/heif-enc.sh'), args, { stdio: ['ignore', 'ignore', 'inherit'] });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The single image of a heif-enc file, taken apart to be muxed again. */
export function codedImage(heic: Buffer): CodedImage {
  const top = [...boxes(heic, 0, heic.length)];
  const meta = top.find((b) => b.type === 'meta')!;
  const ipco = child(heic, child(heic, meta, 'iprp', 4)!, 'ipco')!;
  const props = [...boxes(heic, ipco.body, ipco.end)];
  const whole = (b: Box) => heic.subarray(b.start, b.end);
  const ispe = props.find((p) => p.type === 'ispe')!;
  const size = new Cursor(heic, ispe, 4);
  const [width, height] = [size.uint(4), size.uint(4)];
  const iloc = new Cursor(heic, child(heic, meta, 'iloc', 4)!);
  const version = iloc.uint(1);
  iloc.uint(3);
  const sizes = iloc.uint(2);
  iloc.uint(version < 2 ? 2 : 4);
  iloc.uint(version < 2 ? 2 : 4);
  if (version >= 1) iloc.uint(2);
  iloc.uint(2);
  const base = iloc.uint((sizes >> 4) & 15);
  if (iloc.uint(2) !== 1) throw new Error('heif-enc wrote more than one extent');
  if (version >= 1) iloc.uint(sizes & 15);
  const offset = base + iloc.uint(sizes >> 12);
  const data = heic.subarray(offset, offset + iloc.uint((sizes >> 8) & 15));
  const keep = props.filter((p) => ['hvcC', 'colr', 'pixi'].includes(p.type)).map(whole);
  return { width, height, props: keep, data };
}

/** What {@link muxHeif} writes: one image or a grid of equal tiles, optionally turned by `irot`. */
export interface HeifSpec {
  tiles: CodedImage[];
  /** Rows and columns, and the output size the tiles are cropped to; absent for a single image. */
  grid?: { rows: number; cols: number; width: number; height: number };
  /** Quarter turns anticlockwise the viewer applies (`irot`). */
  rotation?: number;
  /** Overrides the primary image's `ispe`, to make a lying header. */
  ispe?: [number, number];
}

const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
};
const full = (type: string, version: number, flags: number, ...parts: Buffer[]) =>
  box(type, u8(version), u24(flags), ...parts);
const u8 = (v: number) => Buffer.from([v]);
const u16 = (v: number) => ((b) => (b.writeUInt16BE(v), b))(Buffer.alloc(2));
const u24 = (v: number) => Buffer.from([(v >> 16) & 255, (v >> 8) & 255, v & 255]);
const u32 = (v: number) => ((b) => (b.writeUInt32BE(v), b))(Buffer.alloc(4));
const str = (s: string) => Buffer.from(s, 'latin1');
const ispeBox = (w: number, h: number) => full('ispe', 0, 0, u32(w), u32(h));

/**
 * Writes a HEIF still as iPhones lay it out: ftyp, meta (the grid's 8 bytes in
 * idat, tiles hidden behind a `dimg` reference, `irot` and the colour profile
 * on the primary item), then one mdat with every tile's bitstream.
 */
export function muxHeif(spec: HeifSpec): Buffer {
  const { tiles, grid, rotation = 0 } = spec;
  const primary = grid ? tiles.length + 1 : 1;
  const props: Buffer[] = [];
  const assoc = new Map<number, number[]>();
  const add = (item: number, prop: Buffer, essential = false) => {
    props.push(prop);
    assoc.set(item, [...(assoc.get(item) ?? []), props.length | (essential ? 0x80 : 0)]);
  };
  tiles.forEach((tile, i) => {
    const hvcC = tile.props.find((p) => p.toString('latin1', 4, 8) === 'hvcC')!;
    add(i + 1, hvcC, true);
    const lie = !grid && spec.ispe;
    add(i + 1, lie ? ispeBox(...lie) : ispeBox(tile.width, tile.height));
    if (!grid) for (const p of tile.props.filter((p) => p !== hvcC)) add(i + 1, p);
  });
  const colr = tiles[0]!.props.filter((p) => p.toString('latin1', 4, 8) !== 'hvcC');
  if (grid) {
    add(primary, ispeBox(...(spec.ispe ?? [grid.width, grid.height])));
    for (const p of colr) add(primary, p);
  }
  if (rotation) add(primary, box('irot', u8(rotation & 3)), true);

  const infe = (id: number, type: string, hidden: boolean) =>
    full('infe', 2, hidden ? 1 : 0, u16(id), u16(0), str(type), u8(0));
  const items = tiles.map((_, i) => infe(i + 1, 'hvc1', !!grid));
  if (grid) items.push(infe(primary, 'grid', false));
  const ipma = full(
    'ipma',
    0,
    0,
    u32(assoc.size),
    ...[...assoc].map(([id, list]) => Buffer.concat([u16(id), u8(list.length), ...list.map(u8)])),
  );
  const gridData = grid
    ? Buffer.concat([u8(0), u8(0), u8(grid.rows - 1), u8(grid.cols - 1), u16(grid.width), u16(grid.height)])
    : undefined;

  const ftyp = box('ftyp', str('heic'), u32(0), str('mif1'), str('heic'), str('miaf'));
  const metaWith = (dataStart: number) => {
    let at = dataStart;
    const locations = tiles.map((tile, i) => {
      const entry = Buffer.concat([u16(i + 1), u16(0), u16(0), u16(1), u32(at), u32(tile.data.length)]);
      at += tile.data.length;
      return entry;
    });
    if (gridData)
      locations.push(Buffer.concat([u16(primary), u16(1), u16(0), u16(1), u32(0), u32(gridData.length)]));
    return full(
      'meta',
      0,
      0,
      full('hdlr', 0, 0, u32(0), str('pict'), Buffer.alloc(12), u8(0)),
      full('pitm', 0, 0, u16(primary)),
      full('iloc', 1, 0, u16(0x4400), u16(locations.length), ...locations),
      full('iinf', 0, 0, u16(items.length), ...items),
      ...(grid
        ? [
            full(
              'iref',
              0,
              0,
              box('dimg', u16(primary), u16(tiles.length), ...tiles.map((_, i) => u16(i + 1))),
            ),
          ]
        : []),
      box('iprp', box('ipco', ...props), ipma),
      ...(gridData ? [box('idat', gridData)] : []),
    );
  };
  // Offsets do not change the meta box's length, so one dry run finds where mdat's data starts.
  const metaLength = metaWith(0).length;
  const meta = metaWith(ftyp.length + metaLength + 8);
  return Buffer.concat([ftyp, meta, box('mdat', ...tiles.map((t) => t.data))]);
}

/** An upright `width` × `height` white image with a red block in its top-left quarter, as PNG. */
export async function uprightMarker(width: number, height: number): Promise<Buffer> {
  const block = await sharp({
    create: { width: width / 4, height: height / 4, channels: 3, background: RED },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: block, left: 0, top: 0 }])
    .png()
    .toBuffer();
}

/** The three HEICs an iPhone writes, made here, and how each must look once decoded upright. */
export interface HeicFixture {
  name: string;
  data: Buffer;
  /** Size once upright. */
  width: number;
  height: number;
  /** Size its header declares (before `irot`). */
  stored: [number, number];
  /** Expected mean sRGB colour of the top-left marker, or of the whole image for the flat P3 one. */
  marker?: [number, number, number];
  colour?: [number, number, number];
}

/**
 * A rotated one (stored on its side, `irot` turns it upright), a Display P3
 * one (a saturated red that only its ICC profile maps back to sRGB), and a
 * 2×2 grid of 256² tiles cropped to 480×400, on its side and in P3 as an
 * iPhone's portrait photo is.
 */
export async function heicFixtures(): Promise<HeicFixture[]> {
  const upright = await uprightMarker(320, 200);
  const onSide = await sharp(upright).rotate(90).png().toBuffer();
  const rotated = muxHeif({ tiles: [codedImage(heifEnc(onSide))], rotation: 1 });

  const p3 = await sharp({ create: { width: 256, height: 192, channels: 3, background: RED } })
    .withIccProfile('p3')
    .png()
    .toBuffer();

  const portrait = await sharp(await uprightMarker(400, 480))
    .rotate(90)
    .withIccProfile('p3')
    .png()
    .toBuffer();
  const tiles: CodedImage[] = [];
  for (const top of [0, 256])
    for (const left of [0, 256]) {
      const [width, height] = [Math.min(256, 480 - left), Math.min(256, 400 - top)];
      // Edge tiles overhang the output, as the standard allows; the decoder crops them.
      const tile = await sharp(portrait)
        .extract({ left, top, width, height })
        .extend({ right: 256 - width, bottom: 256 - height, background: '#000000' })
        .withIccProfile('p3')
        .png()
        .toBuffer();
      tiles.push(codedImage(heifEnc(tile)));
    }
  const grid = muxHeif({ tiles, grid: { rows: 2, cols: 2, width: 480, height: 400 }, rotation: 1 });

  const red: [number, number, number] = [RED.r, RED.g, RED.b];
  return [
    { name: 'rotated', data: rotated, width: 320, height: 200, stored: [200, 320], marker: red },
    { name: 'display-p3', data: heifEnc(p3), width: 256, height: 192, stored: [256, 192], colour: red },
    { name: 'grid', data: grid, width: 400, height: 480, stored: [480, 400], marker: red },
  ];
}
