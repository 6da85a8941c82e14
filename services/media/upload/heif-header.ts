import { unprocessable, unsupportedMediaType } from '../../../lib/errors.js';
import { boxes, child, Cursor, type Box } from './heif-boxes.js';

/** Brands of a HEIF still image (ISO/IEC 23008-12): HEVC stills and the generic image brand iPhones list. */
const STILL_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'mif1']);
/** Coded image types the converter's libheif decodes (libde265 for HEVC, dav1d for AV1); `grid` tiles them. */
const CODED = new Set(['hvc1', 'av01']);
/**
 * Most tiles a grid may have. An iPhone's 48 MP photo is 192 tiles of 512²;
 * each tile costs a decoder start, so a 256×256 grid of 1-pixel tiles would
 * cost 65536 of them for a tiny image.
 */
export const MAX_GRID_TILES = 1024;

const corrupt = (why: string) => unprocessable('corrupt', `the HEIF header is corrupt: ${why}`);

/** What the meta box says about the primary image, before any pixel is decoded. */
export interface HeifHeader {
  /** Stored size, before `irot`, as every other format's header reports it (a HeaderInfo). */
  width: number;
  height: number;
  hasAlpha: boolean;
  /** Quarter turns anticlockwise (`irot`), applied by the decoder. */
  rotation: number;
  /** Tiles of a `grid` primary image, 1 for a single coded image. */
  tiles: number;
  /** End of the last byte the items point at in the file: a shorter upload is truncated. */
  dataEnd: number;
}

interface Item {
  type: string;
  props: Box[];
  /** Extents as [offset, length]; construction method 1 means inside `idat`. */
  extents: [number, number][];
  inIdat: boolean;
}

/**
 * Reads a HEIF still's declared size from its `meta` box: the primary item's
 * `ispe`, or for a `grid` the output size its data declares, checked against
 * its tiles' `ispe` (they must cover it exactly, as the standard requires, so
 * a grid cannot hide more pixels than it shows). Throws 415 for a HEIF that is
 * not a still image and 422 for one whose boxes lie; `undefined` means the
 * meta box is not within the head.
 */
export function heifHeader(b: Buffer): HeifHeader | undefined {
  const top = [...boxes(b, 0, b.length, true)];
  const ftyp = top[0];
  if (ftyp?.type !== 'ftyp' || ftyp.end > b.length) return undefined;
  checkBrands(b, ftyp);
  const meta = top.find((box) => box.type === 'meta');
  if (!meta || meta.end > b.length) return undefined;
  const items = readItems(b, meta);
  const primary = readPrimary(b, meta);
  const item = items.get(primary);
  if (!item) throw corrupt(`the primary item ${primary} is not listed`);
  const refs = readRefs(b, meta);
  const dataEnd = Math.max(0, ...[...items.values()].filter((i) => !i.inIdat).flatMap(endsOf));
  const rotation = irot(b, item);
  const hasAlpha = (refs.get('auxl') ?? []).some(([, to]) => to.includes(primary));
  if (CODED.has(item.type)) {
    const [width, height] = ispe(b, item, primary);
    return { width, height, hasAlpha, rotation, tiles: 1, dataEnd };
  }
  if (item.type !== 'grid')
    throw unsupportedMediaType('heif_item_unsupported', `HEIF ${item.type} images are not accepted`);
  const tiles = (refs.get('dimg') ?? []).find(([from]) => from === primary)?.[1] ?? [];
  const [width, height] = gridSize(b, meta, item, tiles, items);
  return { width, height, hasAlpha, rotation, tiles: tiles.length, dataEnd };
}

function checkBrands(b: Buffer, ftyp: Box): void {
  const c = new Cursor(b, ftyp);
  const brands = [c.fourcc()];
  c.uint(4);
  while (c.at + 4 <= ftyp.end) brands.push(c.fourcc());
  if (!brands.some((brand) => STILL_BRANDS.has(brand))) {
    throw unsupportedMediaType(
      'heif_not_still',
      `a HEIF with brands ${brands.join(', ')} is not a still image`,
    );
  }
}

function readPrimary(b: Buffer, meta: Box): number {
  const pitm = child(b, meta, 'pitm', 4);
  if (!pitm) throw corrupt('no primary item (pitm)');
  const c = new Cursor(b, pitm);
  return c.uint(1) === 0 ? (c.uint(3), c.uint(2)) : (c.uint(3), c.uint(4));
}

/** Items by id: their type (`iinf`), properties (`iprp`) and data extents (`iloc`). */
function readItems(b: Buffer, meta: Box): Map<number, Item> {
  const items = new Map<number, Item>();
  const iinf = child(b, meta, 'iinf', 4);
  if (!iinf) throw corrupt('no item list (iinf)');
  const version = b[iinf.body];
  for (const infe of boxes(b, iinf.body + (version === 0 ? 6 : 8), iinf.end)) {
    if (infe.type !== 'infe') continue;
    const c = new Cursor(b, infe);
    const v = c.uint(1);
    c.uint(3);
    if (v < 2) continue;
    const id = c.uint(v === 2 ? 2 : 4);
    c.uint(2);
    items.set(id, { type: c.fourcc(), props: [], extents: [], inIdat: false });
  }
  readProperties(b, meta, items);
  readLocations(b, meta, items);
  return items;
}

function readProperties(b: Buffer, meta: Box, items: Map<number, Item>): void {
  const iprp = child(b, meta, 'iprp', 4);
  if (!iprp) throw corrupt('no item properties (iprp)');
  const ipco = child(b, iprp, 'ipco');
  if (!ipco) throw corrupt('no property container (ipco)');
  const props = [...boxes(b, ipco.body, ipco.end)];
  for (const box of boxes(b, iprp.body, iprp.end)) {
    if (box.type !== 'ipma') continue;
    const c = new Cursor(b, box);
    const version = c.uint(1);
    const wide = (c.uint(3) & 1) === 1;
    for (let n = c.uint(4); n > 0; n--) {
      const item = items.get(c.uint(version < 1 ? 2 : 4));
      for (let k = c.uint(1); k > 0; k--) {
        const index = wide ? c.uint(2) & 0x7fff : c.uint(1) & 0x7f;
        if (index === 0) continue;
        const prop = props[index - 1];
        if (!prop) throw corrupt(`property ${index} of ${props.length}`);
        item?.props.push(prop);
      }
    }
  }
}

function readLocations(b: Buffer, meta: Box, items: Map<number, Item>): void {
  const iloc = child(b, meta, 'iloc', 4);
  if (!iloc) throw corrupt('no item locations (iloc)');
  const c = new Cursor(b, iloc);
  const version = c.uint(1);
  c.uint(3);
  const sizes = c.uint(2);
  const [offsetSize, lengthSize, baseSize] = [sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15];
  const indexSize = version >= 1 ? sizes & 15 : 0;
  for (let n = c.uint(version < 2 ? 2 : 4); n > 0; n--) {
    const item = items.get(c.uint(version < 2 ? 2 : 4));
    const method = version >= 1 ? c.uint(2) & 15 : 0;
    c.uint(2);
    const base = c.uint(baseSize);
    for (let e = c.uint(2); e > 0; e--) {
      c.uint(indexSize);
      const extent: [number, number] = [base + c.uint(offsetSize), c.uint(lengthSize)];
      item?.extents.push(extent);
    }
    if (item) item.inIdat = method === 1;
    if (method > 1) throw corrupt(`item construction method ${method}`);
  }
}

/** `iref` references by type, as [from, to[]]. */
function readRefs(b: Buffer, meta: Box): Map<string, [number, number[]][]> {
  const refs = new Map<string, [number, number[]][]>();
  const iref = child(b, meta, 'iref', 4);
  if (!iref) return refs;
  const wide = b[iref.body] !== 0;
  for (const box of boxes(b, iref.body + 4, iref.end)) {
    const c = new Cursor(b, box);
    const from = c.uint(wide ? 4 : 2);
    const to: number[] = [];
    for (let n = c.uint(2); n > 0; n--) to.push(c.uint(wide ? 4 : 2));
    refs.set(box.type, [...(refs.get(box.type) ?? []), [from, to]]);
  }
  return refs;
}

function ispe(b: Buffer, item: Item, id: number): [number, number] {
  const box = item.props.find((p) => p.type === 'ispe');
  if (!box) throw corrupt(`item ${id} has no size (ispe)`);
  const c = new Cursor(b, box, 4);
  const size: [number, number] = [c.uint(4), c.uint(4)];
  if (size[0] === 0 || size[1] === 0) throw corrupt(`item ${id} is ${size[0]}×${size[1]}`);
  return size;
}

function irot(b: Buffer, item: Item): number {
  const box = item.props.find((p) => p.type === 'irot');
  return box ? new Cursor(b, box).uint(1) & 3 : 0;
}

function endsOf(item: Item): number[] {
  return item.extents.map(([offset, length]) => offset + length);
}

/** The grid's output size, once its tiles are known to cover exactly that and no more. */
function gridSize(
  b: Buffer,
  meta: Box,
  grid: Item,
  tiles: number[],
  items: Map<number, Item>,
): [number, number] {
  const data = gridData(b, meta, grid);
  const c = new Cursor(b, { type: 'grid', start: data, body: data, end: Math.min(data + 12, b.length) });
  c.uint(1);
  const wide = (c.uint(1) & 1) === 1;
  const rows = c.uint(1) + 1;
  const cols = c.uint(1) + 1;
  const [width, height] = [c.uint(wide ? 4 : 2), c.uint(wide ? 4 : 2)];
  if (rows * cols > MAX_GRID_TILES) {
    throw unprocessable(
      'too_many_tiles',
      `the HEIF grid has ${rows * cols} tiles; the limit is ${MAX_GRID_TILES}`,
    );
  }
  if (tiles.length !== rows * cols) throw corrupt(`a ${rows}×${cols} grid references ${tiles.length} tiles`);
  const sizes = tiles.map((id) => {
    const tile = items.get(id);
    if (!tile || !CODED.has(tile.type)) throw corrupt(`grid tile ${id} is not a coded image`);
    return ispe(b, tile, id);
  });
  const [tw, th] = sizes[0]!;
  if (sizes.some(([w, h]) => w !== tw || h !== th)) throw corrupt('grid tiles differ in size');
  const covers = (tile: number, n: number, out: number) => tile * n >= out && tile * (n - 1) < out;
  if (width === 0 || height === 0 || !covers(tw, cols, width) || !covers(th, rows, height)) {
    throw corrupt(`${rows}×${cols} tiles of ${tw}×${th} do not make a ${width}×${height} grid`);
  }
  const declared = grid.props.some((p) => p.type === 'ispe') ? ispe(b, grid, 0) : [width, height];
  if (declared[0] !== width || declared[1] !== height) {
    throw corrupt(`the grid's ispe says ${declared.join('×')}, its data ${width}×${height}`);
  }
  return [width, height];
}

/** Offset in `b` of the grid item's 8 or 12 bytes: in `idat`, or in the file when within the head. */
function gridData(b: Buffer, meta: Box, grid: Item): number {
  const [extent] = grid.extents;
  if (!extent || extent[1] < 8) throw corrupt('the grid item has no data');
  if (!grid.inIdat) {
    if (extent[0] + extent[1] > b.length) throw corrupt('the grid data lies past the head');
    return extent[0];
  }
  const idat = child(b, meta, 'idat', 4);
  if (!idat || idat.body + extent[0] + extent[1] > idat.end) throw corrupt('the grid data lies outside idat');
  return idat.body + extent[0];
}
