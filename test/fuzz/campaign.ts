import { slopeFit, windowMedians } from '../support/stats.js';
import { settle } from './dev-target.js';
import { mutatorsFor } from './mutators.js';
import { Rng } from './rng.js';
import type { Seed } from './seeds.js';

/** What a campaign runs against: media and the resizer of one process, and a way to read that process's state. */
export interface FuzzTarget {
  media: string;
  resizer: string;
  rss: () => Promise<number>;
  death: () => string | undefined;
  /** Path and query that render photo `id` at `width`; unsigned unless the resizer checks signatures. */
  renderPath?: (id: string, width: number) => string;
}

export interface CampaignOptions {
  seed: number;
  /** Stop after this many cases… */
  cases: number;
  /** …or after this long, whichever comes first. */
  minutes: number;
  /** Uploads in flight at once. */
  concurrency: number;
  /** How long an accepted photo may stay `processing` before it counts as lost. */
  settleMs: number;
}

/** One input that broke a promise, kept so it can become a test. */
export interface Finding {
  case: number;
  seed: string;
  mutators: string[];
  what: string;
  data: Buffer;
}

export interface CampaignReport {
  seed: number;
  cases: number;
  seconds: number;
  /** Upload answers as `status code`, e.g. `422 corrupt`, and how the accepted ones ended. */
  outcomes: Record<string, number>;
  renders: Record<string, number>;
  /** 5xx other than overload (503/429 with Retry-After): ours to fix. */
  serverErrors: Finding[];
  /** Accepted (201) but not `ready` or `failed` within settleMs. */
  lost: Finding[];
  death: string | undefined;
  rssMiB: { start: number; peak: number; end: number; samples: number[] };
}

const OVERLOAD = new Set([429, 503]);
const MIB = 1024 ** 2;

/**
 * Uploads mutated seeds to media, follows every accepted photo to `ready` or
 * `failed`, renders the ready ones at a few widths, and samples the process's
 * RSS. Deterministic in its inputs for a given seed; the answers depend on
 * timing only where overload does.
 */
export async function runCampaign(
  seeds: Seed[],
  target: FuzzTarget,
  options: CampaignOptions,
): Promise<CampaignReport> {
  const rng = new Rng(options.seed);
  const started = Date.now();
  const deadline = started + options.minutes * 60_000;
  const report: CampaignReport = {
    seed: options.seed,
    cases: 0,
    seconds: 0,
    outcomes: {},
    renders: {},
    serverErrors: [],
    lost: [],
    death: undefined,
    rssMiB: { start: (await target.rss()) / MIB, peak: 0, end: 0, samples: [] },
  };
  const sampler = setInterval(() => {
    target.rss().then(
      (rss) => {
        report.rssMiB.peak = Math.max(report.rssMiB.peak, rss / MIB);
        report.rssMiB.samples.push(Math.round(rss / MIB));
      },
      () => undefined,
    );
  }, 1000);
  // Inputs are drawn up front, in order, so a case's bytes depend on the seed alone.
  const draw = (n: number) => {
    const seed = rng.pick(seeds);
    const applicable = mutatorsFor(seed.format);
    let data = seed.data;
    const mutators: string[] = [];
    for (let i = 1 + rng.int(3); i > 0; i--) {
      const m = rng.pick(applicable);
      // A structural edit of a file an earlier edit cut short may find no room: the bytes stay as they were.
      try {
        data = m.apply(data, rng);
        mutators.push(m.name);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
      }
    }
    return {
      case: n,
      seed: seed.name,
      format: seed.format,
      mutators,
      data,
      widths: [rng.int(2048) + 1, rng.int(400) + 1],
    };
  };
  let next = 0;
  const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

  async function one(input: ReturnType<typeof draw>): Promise<void> {
    const finding = (what: string): Finding => ({
      case: input.case,
      seed: input.seed,
      mutators: input.mutators,
      what,
      data: input.data,
    });
    const res = await fetch(`${target.media}/v1/photos`, { method: 'POST', body: input.data });
    const body = (await res.json().catch(() => ({}))) as { id?: string; error?: { code?: string } };
    const key = `${res.status} ${body.error?.code ?? (res.status === 201 ? 'accepted' : '?')}`;
    count(report.outcomes, key);
    if (res.status >= 500 && !OVERLOAD.has(res.status)) report.serverErrors.push(finding(`upload: ${key}`));
    if (res.status !== 201 || !body.id) return;
    const settled = await settle(target.media, body.id, options.settleMs);
    count(report.outcomes, `201 then ${settled?.status ?? 'lost'}`);
    if (!settled) {
      report.lost.push(finding(`photo ${body.id} still processing after ${options.settleMs} ms`));
      return;
    }
    if (settled.status !== 'ready') return;
    for (const w of input.widths) {
      const renderPath = target.renderPath?.(body.id, w) ?? `/v1/photos/${body.id}?w=${w}`;
      const render = await fetch(`${target.resizer}${renderPath}`);
      await render.arrayBuffer();
      const renderKey = `${render.status}`;
      count(report.renders, renderKey);
      if (render.status >= 500 && !OVERLOAD.has(render.status)) {
        report.serverErrors.push(finding(`render w=${w}: ${render.status}`));
      }
    }
  }

  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.cases && Date.now() < deadline && !target.death()) {
          const input = draw(next++);
          report.cases++;
          await one(input).catch((err: unknown) => {
            // A refused connection is the process dying; anything else is a finding too.
            report.serverErrors.push({ ...input, what: `request failed: ${String(err)}` });
          });
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  report.seconds = Math.round((Date.now() - started) / 1000);
  report.death = target.death();
  if (!report.death) report.rssMiB.end = (await target.rss()) / MIB;
  return report;
}

/**
 * The report without the findings' bytes, for printing. RSS is sampled once a
 * second; its slope is fitted from `warmUpSeconds` on (by default the second
 * half of the run), with its 95 % interval.
 */
export function summary(report: CampaignReport, warmUpSeconds = report.rssMiB.samples.length / 2) {
  const strip = (f: Finding) => ({
    case: f.case,
    seed: f.seed,
    mutators: f.mutators,
    what: f.what,
    bytes: f.data.length,
  });
  const round = (n: number) => Math.round(n);
  const afterWarmUp = report.rssMiB.samples.map((y, t) => ({ t, y })).slice(warmUpSeconds);
  const raw = slopeFit(afterWarmUp);
  const level = slopeFit(windowMedians(afterWarmUp, 10));
  return {
    ...report,
    serverErrors: report.serverErrors.map(strip),
    lost: report.lost.map(strip),
    rssMiB: {
      start: round(report.rssMiB.start),
      peak: round(report.rssMiB.peak),
      end: round(report.rssMiB.end),
      perMinute: report.rssMiB.samples.filter((_, i) => i % 60 === 0),
      warmUpSeconds: Math.round(warmUpSeconds),
      // Every sample; then the median of each 10 s, the level without decodes in flight (stats.ts).
      slopeAfterWarmUpMiBPerHour: round(raw.slopePerHour),
      slopeCi95MiBPerHour: round(raw.ci95PerHour),
      levelSlopeAfterWarmUpMiBPerHour: round(level.slopePerHour),
      levelSlopeCi95MiBPerHour: round(level.ci95PerHour),
    },
  };
}
