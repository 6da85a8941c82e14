/**
 * Samples of the Prometheus text exposition format, the subset the autoscaler
 * reads: `name{label="value",...} value [timestamp]`. Hand-written on purpose:
 * the registry's one parser, parse-prometheus-text-format 1.1.1, keeps only the
 * last label set of a histogram (its `cache="miss"` buckets were overwritten by
 * `cache="hit"` ones when tried), and nothing maintained replaces it.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
const UNESCAPE: Record<string, string> = { n: '\n', '\\': '\\', '"': '"' };

/** Parses every sample line; comments, blank and malformed lines are skipped. */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line.trim());
    if (!m) continue;
    const labels = parseLabels(m[2] ?? '');
    if (!labels) continue;
    samples.push({ name: m[1]!, labels, value: parseValue(m[3]!) });
  }
  return samples;
}

function parseLabels(body: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let consumed = 0;
  for (let m = LABEL.exec(body); m; m = LABEL.exec(body)) {
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_all, c: string) => UNESCAPE[c] ?? c);
    consumed = LABEL.lastIndex;
  }
  return consumed === body.trim().length || body.slice(consumed).trim() === '' ? labels : undefined;
}

function parseValue(raw: string): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return Number(raw);
}
