/**
 * Prints the rows `drive.ts` wrote (JSON lines on stdin) as one Markdown
 * table, with each server's throughput and CPU per request as a ratio of
 * imgproxy's (same photo and format) and of sharp alone on the same photo
 * when those rows are there. A row driven in
 * several rounds (ROUNDS) shows the median of each figure.
 */
import { readFileSync } from 'node:fs';
import { medianOfRounds, type PeerRow as Row } from './rounds.js';

const NAMES: Record<string, string> = {
  sharp: 'sharp alone in process (2 at a time, no HTTP)',
  floor: 'Enlarger pipeline in process, watermark, one render at a time (p95 floor)',
  enlarger: 'Enlarger, no watermark',
  'enlarger-wm': 'Enlarger, watermark + attribution',
  imgproxy: 'imgproxy',
  'imgproxy-wm': 'imgproxy, watermark (logo, wm:0.6:soea)',
  thumbor: 'thumbor',
  browsers: 'Enlarger, watermark, browser mix (fmt=auto)',
  'browsers-bg': 'Enlarger, watermark, browser mix (fmt=auto), AVIF in the background',
};

const rows = medianOfRounds(
  readFileSync(0, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Row),
);
const rounds = Math.max(0, ...rows.map((r) => r.rounds ?? 1));
const ratio = (a: number, b: Row | undefined) => (b ? `${(a / b.rps).toFixed(2)}×` : '–');
const name = (r: Row) => `${NAMES[r.server] ?? r.server}${r.build ? ` (${r.build})` : ''}`;
const dash = (v: number | undefined) => (v === undefined ? '–' : String(v));
const formatOf = (r: Row) => r.format ?? 'jpeg';
/** imgproxy's bare row for the same photo and format, on the picked files. */
const imgproxyOf = (r: Row) =>
  rows.find(
    (o) =>
      o.photo === r.photo && o.server === 'imgproxy' && o.source === 'picked' && formatOf(o) === formatOf(r),
  );

const lines = [
  ...(rounds > 1 ? [`Medians over ${rounds} rounds (checked answers and statuses summed).`, ''] : []),
  '| photo | server | format | files | req/s | p50 / p95 flat | req/s half | p50 / p95 half | CPU ms/req | driver CPU ms/req | ÷ imgproxy | CPU ÷ imgproxy | ÷ sharp | checked (bad) | non-200 |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const r of rows) {
  const imgproxy = imgproxyOf(r);
  const sharp = rows.find((o) => o.photo === r.photo && o.server === 'sharp');
  // In-process rows: no HTTP, and no throughput to compare (the floor is one render at a time).
  const inProcess = r.server === 'sharp' || r.server === 'floor';
  const failed = Object.entries(r.statuses ?? {})
    .filter(([s]) => s !== '200')
    .reduce((sum, [, c]) => sum + c, 0);
  const cpuRatio =
    r.server !== 'imgproxy' && r.cpuMsPerRequest && imgproxy?.cpuMsPerRequest
      ? `${(r.cpuMsPerRequest / imgproxy.cpuMsPerRequest).toFixed(2)}×`
      : '–';
  lines.push(
    `| ${r.photo} | ${name(r)} | ${formatOf(r)} | ${r.source} | ${r.rps} | ${r.flat.p50} / ${r.flat.p95} | ` +
      `${dash(r.halfRate)} | ${r.half ? `${r.half.p50} / ${r.half.p95}` : '–'} | ${dash(r.cpuMsPerRequest)} | ${dash(r.driverCpuMsPerRequest)} | ` +
      `${r.server === 'imgproxy' || r.server === 'floor' || r.formats ? '–' : ratio(r.rps, imgproxy)} | ${cpuRatio} | ${inProcess || r.formats ? '–' : ratio(r.rps, sharp)} | ` +
      `${r.checked === undefined ? '–' : `${r.checked} (${r.bad})`} | ${inProcess ? '–' : failed} |`,
  );
}
const mix = rows.filter((r) => r.formats);
if (mix.length > 0) {
  lines.push(
    '',
    '| photo | server | load | format | answers | p50 | p95 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of mix) {
    for (const [key, f] of Object.entries(r.formats!).sort()) {
      const [phase, format] = key.split('|');
      const load = phase === 'half' ? `open loop, ${r.halfRate} req/s` : `flat out, ${r.rps} req/s`;
      lines.push(`| ${r.photo} | ${name(r)} | ${load} | ${format} | ${f.n} | ${f.p50} | ${f.p95} |`);
    }
  }
}
// What each server's watermark costs it, on the same files, format and load: its own rows with and without.
const costs = [...new Set(rows.map((r) => `${r.photo}|${formatOf(r)}`))].flatMap((key) => {
  const [photo, format] = key.split('|');
  const at = (server: string) =>
    rows.find(
      (r) =>
        r.photo === photo &&
        formatOf(r) === format &&
        r.server === server &&
        r.source === 'picked' &&
        !r.build,
    );
  return (['enlarger', 'imgproxy'] as const).flatMap((peer) => {
    const [bare, marked] = [at(peer), at(`${peer}-wm`)];
    if (!bare || !marked) return [];
    const cost = `${(((marked.rps - bare.rps) / bare.rps) * 100).toFixed(1)} %`;
    const cpu =
      bare.cpuMsPerRequest && marked.cpuMsPerRequest
        ? `${(((marked.cpuMsPerRequest - bare.cpuMsPerRequest) / bare.cpuMsPerRequest) * 100).toFixed(1)} %`
        : '–';
    return [
      `| ${photo} | ${format} | ${peer} | ${bare.rps} | ${marked.rps} | ${cost} | ${dash(bare.cpuMsPerRequest)} | ${dash(marked.cpuMsPerRequest)} | ${cpu} |`,
    ];
  });
});
if (costs.length > 0) {
  lines.push(
    '',
    '| photo | format | server | req/s, no watermark | req/s, watermark | throughput | CPU ms/req, no watermark | CPU ms/req, watermark | CPU ms/req |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...costs,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
