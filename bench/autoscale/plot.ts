/** One second of the run. */
export interface Second {
  t: number;
  /** Answers completed in that second: the load actually carried. */
  rps: number;
  /** Client-observed p95 of that second's answers, ms; undefined with none. */
  p95: number | undefined;
  replicas: number;
  /** Connections offered in that second (the step load). */
  connections: number;
}

/** A decision the autoscaler took, from its Event. */
export interface Mark {
  t: number;
  note: string;
}

const W = 900;
const H = 420;
const PAD = { left: 60, right: 60, top: 30, bottom: 40 };

/**
 * Replicas (right axis) and p95 (left axis) against time, with the offered
 * connections shaded and a tick at every scaling decision, as an SVG string.
 */
export function plot(seconds: Second[], marks: Mark[], targetP95: number): string {
  const tMax = Math.max(1, ...seconds.map((s) => s.t));
  const pMax = Math.max(targetP95 * 2, ...seconds.map((s) => s.p95 ?? 0));
  const rMax = Math.max(4, ...seconds.map((s) => s.replicas));
  const cMax = Math.max(1, ...seconds.map((s) => s.connections));
  const x = (t: number) => PAD.left + ((W - PAD.left - PAD.right) * t) / tMax;
  const yP = (p: number) => H - PAD.bottom - ((H - PAD.top - PAD.bottom) * p) / pMax;
  const yR = (r: number) => H - PAD.bottom - ((H - PAD.top - PAD.bottom) * r) / rMax;
  const yC = (c: number) => H - PAD.bottom - ((H - PAD.top - PAD.bottom) * c) / cMax;
  const line = (points: Array<[number, number]>, stroke: string, extra = '') =>
    `<polyline fill="none" stroke="${stroke}" stroke-width="2" ${extra} points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`;
  const p95Points = seconds
    .filter((s) => s.p95 !== undefined)
    .map((s) => [x(s.t), yP(s.p95!)] as [number, number]);
  const replicaSteps = seconds.flatMap<[number, number]>((s, i) => {
    const prev = seconds[i - 1];
    const here: [number, number] = [x(s.t), yR(s.replicas)];
    return prev && prev.replicas !== s.replicas ? [[x(s.t), yR(prev.replicas)], here] : [here];
  });
  const load = seconds.map(
    (s) =>
      `<rect x="${x(s.t).toFixed(1)}" y="${yC(s.connections).toFixed(1)}" width="${((W - PAD.left - PAD.right) / tMax).toFixed(2)}" height="${(H - PAD.bottom - yC(s.connections)).toFixed(1)}" fill="#eef"/>`,
  );
  const ticks = marks.map(
    (m) =>
      `<line x1="${x(m.t).toFixed(1)}" x2="${x(m.t).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#999" stroke-dasharray="3,3"><title>${escape(m.note)}</title></line>`,
  );
  const axisLabels = [
    `<text x="${PAD.left - 8}" y="${PAD.top - 10}" font-size="12" text-anchor="end" fill="#c33">p95 ms</text>`,
    `<text x="${W - PAD.right + 8}" y="${PAD.top - 10}" font-size="12" fill="#33c">replicas</text>`,
    ...[0, 0.5, 1].map(
      (f) =>
        `<text x="${PAD.left - 8}" y="${yP(pMax * f) + 4}" font-size="11" text-anchor="end">${Math.round(pMax * f)}</text>`,
    ),
    ...Array.from(
      { length: rMax + 1 },
      (_, r) => `<text x="${W - PAD.right + 8}" y="${yR(r) + 4}" font-size="11">${r}</text>`,
    ),
    ...[0, 0.25, 0.5, 0.75, 1].map(
      (f) =>
        `<text x="${x(tMax * f)}" y="${H - PAD.bottom + 18}" font-size="11" text-anchor="middle">${Math.round(tMax * f)} s</text>`,
    ),
    `<text x="${W / 2}" y="${H - 6}" font-size="12" text-anchor="middle">shaded: offered load (connections, max ${cMax}); dashed: autoscaler decisions</text>`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    ...load,
    ...ticks,
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${yP(targetP95)}" y2="${yP(targetP95)}" stroke="#c33" stroke-dasharray="6,4"/>`,
    `<text x="${W - PAD.right - 4}" y="${yP(targetP95) - 4}" font-size="11" text-anchor="end" fill="#c33">p95 target ${targetP95} ms</text>`,
    line(p95Points, '#c33'),
    line(replicaSteps, '#33c', 'stroke-width="3"'),
    ...axisLabels,
    '</svg>',
  ].join('\n');
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
