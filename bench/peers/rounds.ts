/**
 * `make bench-peers` drives every row ROUNDS times; the table shows one row
 * per server with the median of each figure, so one noisy round on a shared
 * machine does not decide a ratio.
 */
import { median as middle } from '../../test/support/stats.js';

/** A row as `drive.ts` prints it (JSON line). */
export interface PeerRow {
  server: string;
  photo: string;
  source: string;
  /** Output format asked (rows before FORMAT existed: JPEG). */
  format?: string;
  /** Which build of the server, when a run compares two (BEFORE). */
  build?: string;
  rps: number;
  flat: { p50: number; p95: number };
  halfRate?: number;
  half?: { p50: number; p95: number };
  cpuMsPerRequest?: number;
  /** The load generator's own CPU per request, on the same cores. */
  driverCpuMsPerRequest?: number;
  checked?: number;
  bad?: number;
  statuses?: Record<string, number>;
  /** The browser mix: latency by phase and negotiated format. */
  formats?: Record<string, { n: number; p50: number; p95: number }>;
  /** How many rounds this row stands for (set by {@link medianOfRounds}). */
  rounds?: number;
}

/** Median of the defined values (the mean of the middle two for an even count); undefined if none. */
export function median(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : Math.round(middle(defined) * 10) / 10;
}

const sum = (values: readonly (number | undefined)[]) =>
  values.some((v) => v !== undefined) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : undefined;

/**
 * One row per photo, server, build and files, in the order each first
 * appears: latencies, rates and CPU are the medians over its rounds; answers
 * checked, bad answers and statuses are summed.
 */
export function medianOfRounds(rows: readonly PeerRow[]): PeerRow[] {
  const groups = new Map<string, PeerRow[]>();
  for (const r of rows) {
    const key = [r.photo, r.server, r.build ?? '', r.source, r.format ?? 'jpeg'].join('|');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const m = (pick: (r: PeerRow) => number | undefined) => median(group.map(pick));
    const statuses: Record<string, number> = {};
    for (const r of group)
      for (const [s, n] of Object.entries(r.statuses ?? {})) statuses[s] = (statuses[s] ?? 0) + n;
    const formatKeys = [...new Set(group.flatMap((r) => Object.keys(r.formats ?? {})))];
    const first = group[0]!;
    return {
      server: first.server,
      photo: first.photo,
      source: first.source,
      ...(first.format !== undefined && { format: first.format }),
      ...(first.build !== undefined && { build: first.build }),
      rps: m((r) => r.rps)!,
      flat: { p50: m((r) => r.flat.p50)!, p95: m((r) => r.flat.p95)! },
      halfRate: m((r) => r.halfRate),
      half: group.some((r) => r.half)
        ? { p50: m((r) => r.half?.p50)!, p95: m((r) => r.half?.p95)! }
        : undefined,
      cpuMsPerRequest: m((r) => r.cpuMsPerRequest),
      driverCpuMsPerRequest: m((r) => r.driverCpuMsPerRequest),
      checked: sum(group.map((r) => r.checked)),
      bad: sum(group.map((r) => r.bad)),
      statuses: first.statuses && statuses,
      formats:
        formatKeys.length > 0
          ? Object.fromEntries(
              formatKeys.map((k) => {
                const of = group.map((r) => r.formats?.[k]);
                return [
                  k,
                  {
                    n: sum(of.map((f) => f?.n))!,
                    p50: median(of.map((f) => f?.p50))!,
                    p95: median(of.map((f) => f?.p95))!,
                  },
                ];
              }),
            )
          : undefined,
      rounds: group.length,
    };
  });
}
