/**
 * Rate–quality curves of `make bench-bytes`: for one photo, width and format,
 * the (bytes, score) points a server gave over a quality sweep, and what
 * they cost at a given SSIMULACRA2 score.
 */

/** One encode: its size and its SSIMULACRA2 score against the lanczos3 reference. */
export interface Point {
  bytes: number;
  score: number;
}

/**
 * Bytes the curve needs to reach `score`, interpolated linearly in log bytes
 * between the two sweep points around it (encoders' bytes grow about
 * exponentially with the score). Undefined when the score is outside what
 * the sweep reached: extrapolating a flattening curve invents numbers.
 * The curve is made monotone first (a higher quality that scored lower is
 * dropped), as a server would never be asked for it.
 */
export function bytesAtScore(points: Point[], score: number): number | undefined {
  const curve = monotone(points);
  for (let i = 0; i < curve.length; i++) {
    const p = curve[i]!;
    if (p.score === score) return p.bytes;
    if (p.score > score) {
      const lo = curve[i - 1];
      if (!lo) return undefined;
      const t = (score - lo.score) / (p.score - lo.score);
      return Math.exp(Math.log(lo.bytes) + t * (Math.log(p.bytes) - Math.log(lo.bytes)));
    }
  }
  return undefined;
}

/** Points by bytes, keeping only those that score above every smaller one. */
export function monotone(points: Point[]): Point[] {
  const out: Point[] = [];
  for (const p of [...points].sort((a, b) => a.bytes - b.bytes)) {
    if (out.length === 0 || p.score > out[out.length - 1]!.score) out.push(p);
  }
  return out;
}

/** Geometric mean, the average of ratios; undefined for none. */
export function geomean(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}
