/**
 * The tables of `make bench-bytes`, from its samples: per row, format and
 * width, Enlarger's bytes against imgproxy's at equal SSIMULACRA2 (at the
 * row's default score and at imgproxy's), and each server's defaults: their
 * ratio, and the bytes and score of each.
 */
import type { OutputFormat } from '../../lib/photos/formats.js';
import { bytesAtScore, geomean } from './curve.js';

/** One scored answer. `quality` undefined: the server's default. */
export interface Sample {
  server: string;
  photo: string;
  format: OutputFormat;
  width: number;
  quality: number | undefined;
  bytes: number;
  score: number;
  /** Wall time of the request, ms (0 for in-process renders). */
  ms: number;
  outWidth: number;
}

interface StoreStats {
  name: string;
  dir: string;
  photos: { file: string; storedBytes: number; convertCpuMs: number }[];
}

/** The comparison of one row against imgproxy at one photo, format and width. */
export interface Comparison {
  /** Row bytes / imgproxy bytes at the row's default score; undefined when a curve does not reach it. */
  atOwnDefault?: number;
  /** The same at imgproxy's default score. */
  atPeerDefault?: number;
  defaultBytesRatio: number;
  /** Row default score minus imgproxy's. */
  defaultScoreDiff: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
};
const fmt = (v: number | undefined, digits = 2) => (v === undefined ? '—' : v.toFixed(digits));

/** Compares one row's samples with imgproxy's of the same photo, format and width. */
export function compare(row: Sample[], peer: Sample[]): Comparison | undefined {
  const own = row.find((s) => s.quality === undefined);
  const theirs = peer.find((s) => s.quality === undefined);
  if (!own || !theirs) return undefined;
  const ratioAt = (score: number) => {
    const a = bytesAtScore(row, score);
    const b = bytesAtScore(peer, score);
    return a === undefined || b === undefined ? undefined : a / b;
  };
  return {
    atOwnDefault: ratioAt(own.score),
    atPeerDefault: ratioAt(theirs.score),
    defaultBytesRatio: own.bytes / theirs.bytes,
    defaultScoreDiff: own.score - theirs.score,
  };
}

/** Prints the tables: stores, then rows against imgproxy, then the q=95 generation loss. */
export function printTables(samples: Sample[], stores: StoreStats[]): void {
  const log = (line = '') => process.stdout.write(`${line}\n`);
  log('Stored copies (per photo, mean): bytes of master + sizes, converter CPU');
  log('| store | stored KiB | converter CPU ms |');
  log('|---|---:|---:|');
  for (const s of stores) {
    log(
      `| ${s.name} | ${fmt(mean(s.photos.map((p) => p.storedBytes / 1024)), 0)} | ${fmt(mean(s.photos.map((p) => p.convertCpuMs)), 0)} |`,
    );
  }

  const rows = [...new Set(samples.map((s) => s.server))].filter((s) => s !== 'imgproxy' && !s.includes(':'));
  const group = (server: string, photo: string, format: string, width: number) =>
    samples.filter(
      (s) => s.server === server && s.photo === photo && s.format === format && s.width === width,
    );
  const keys = [...new Set(samples.map((s) => `${s.format}|${s.width}`))].map((k) => k.split('|'));
  const photos = [...new Set(samples.map((s) => s.photo))];
  const hasPeer = samples.some((s) => s.server === 'imgproxy');

  log();
  log(
    'Against imgproxy (geometric mean over photos of Enlarger bytes / imgproxy bytes; score diff: mean points)',
  );
  log(
    '| row | format | width | bytes at own default score | bytes at imgproxy default score | bytes at defaults | default score diff | median ms |',
  );
  log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const all: Comparison[] = [];
    for (const [format, w] of keys) {
      const width = Number(w);
      const cmp = photos
        .map((p) =>
          hasPeer ? compare(group(row, p, format!, width), group('imgproxy', p, format!, width)) : undefined,
        )
        .filter((c): c is Comparison => c !== undefined);
      const rowSamples = photos.flatMap((p) => group(row, p, format!, width));
      if (rowSamples.length === 0) continue;
      all.push(...cmp);
      log(
        `| ${row} | ${format} | ${width} | ${summary(cmp)} | ${fmt(median(rowSamples.map((s) => s.ms)), 0)} |`,
      );
    }
    log(`| ${row} | **all** | | ${summary(all)} | |`);
  }

  log();
  log("Each server's default quality, per format and width (mean over photos)");
  log('| server | format | width | photos | bytes | SSIMULACRA2 |');
  log('|---|---|---:|---:|---:|---:|');
  for (const server of [...(hasPeer ? ['imgproxy'] : []), ...rows]) {
    for (const [format, w] of keys) {
      const defaults = photos.flatMap((p) =>
        group(server, p, format!, Number(w)).filter((s) => s.quality === undefined),
      );
      if (defaults.length === 0) continue;
      log(
        `| ${server} | ${format} | ${w} | ${defaults.length} | ${fmt(mean(defaults.map((s) => s.bytes)), 0)} | ${fmt(mean(defaults.map((s) => s.score)), 1)} |`,
      );
    }
  }

  log();
  log(
    'q=95 from the stored copies against the same render from the original (SSIMULACRA2 points, mean / worst)',
  );
  log('| row | format | stored − original | worst |');
  log('|---|---|---:|---:|');
  for (const row of rows) {
    for (const format of [...new Set(samples.map((s) => s.format))]) {
      const diffs: number[] = [];
      for (const s of samples.filter((x) => x.server === row && x.format === format && x.quality === 95)) {
        const o = samples.find(
          (x) =>
            x.server === `${row}:original` &&
            x.photo === s.photo &&
            x.format === format &&
            x.width === s.width,
        );
        if (o) diffs.push(s.score - o.score);
      }
      if (diffs.length) log(`| ${row} | ${format} | ${fmt(mean(diffs))} | ${fmt(Math.min(...diffs))} |`);
    }
  }
}

/** The four comparison columns over a set of photos (and widths). */
function summary(cmp: Comparison[]): string {
  const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
  const own = defined(cmp.map((c) => c.atOwnDefault));
  const peer = defined(cmp.map((c) => c.atPeerDefault));
  const n = (xs: number[]) => (xs.length < cmp.length ? ` (${xs.length}/${cmp.length})` : '');
  return [
    `${fmt(geomean(own))}×${n(own)}`,
    `${fmt(geomean(peer))}×${n(peer)}`,
    `${fmt(geomean(cmp.map((c) => c.defaultBytesRatio)))}×`,
    fmt(mean(cmp.map((c) => c.defaultScoreDiff)), 1),
  ].join(' | ');
}
