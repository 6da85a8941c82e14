import type { ServiceName } from './platform.js';
import { SHED_CODES, type Outcome } from './traffic.js';

/** One fault the soak injected, in seconds since the soak phase began, and the services that depend on what it took away. */
export interface Fault {
  what: string;
  affects: ServiceName[];
  fromSeconds: number;
  toSeconds: number;
}

/** After a fault ends, clients may still meet its effects this long (reconnects, readiness probes). */
export const FAULT_GRACE_SECONDS = 30;

/**
 * Sorts the 5xx and unanswered requests: shedding (503 overloaded /
 * too_many_uploads) is by design; the rest is counted by
 * "service endpoint status code", and split by whether it came while a
 * fault that takes away something its service depends on (or that fault's
 * grace period) was on: a resizer 5xx during a RabbitMQ restart is no
 * excuse, the resizer never touches the queue.
 */
export function classify(errors: readonly Outcome[], faults: readonly Fault[], soakStart: number) {
  const shed = new Map<string, number>();
  const duringFaults = new Map<string, number>();
  const outsideFaults = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const e of errors) {
    const key = `${e.service} ${e.endpoint} ${e.status} ${e.code}`;
    if (e.status === 503 && SHED_CODES.has(e.code)) {
      bump(shed, key);
      continue;
    }
    const t = e.atSeconds - soakStart;
    const inFault = faults.some(
      (f) => f.affects.includes(e.service) && t >= f.fromSeconds && t <= f.toSeconds + FAULT_GRACE_SECONDS,
    );
    bump(inFault ? duringFaults : outsideFaults, key);
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return {
    shed: { total: total(shed), byKey: Object.fromEntries(shed) },
    nonShed: {
      total: total(duringFaults) + total(outsideFaults),
      duringFaults: { total: total(duringFaults), byKey: Object.fromEntries(duringFaults) },
      outsideFaults: { total: total(outsideFaults), byKey: Object.fromEntries(outsideFaults) },
    },
  };
}

/** A plain two-column table for the terminal. */
export function table(rows: Array<[string, string | number]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

export const mib = (bytes: number | undefined) =>
  bytes === undefined ? 'none' : `${Math.round(bytes / 1024 ** 2)} MiB`;
