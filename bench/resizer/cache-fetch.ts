/**
 * Should the resizer's read-through caches be lru-cache's `fetch()` instead
 * of a ByteCache paired with a Coalescer? Times both on the same job: warm
 * hits, and cold keys each asked by 10 callers at once (which must load once).
 * Loads resolve on the next turn of the event loop, so only the caches' own
 * cost is measured. Prints per-round lines and the median of 7 rounds.
 *
 *   npx tsx bench/resizer/cache-fetch.ts
 */
import { LRUCache } from 'lru-cache';
import { ByteCache } from '../../services/resizer/runtime/byte-cache.js';
import { Coalescer } from '../../services/resizer/runtime/coalescer.js';
import { median } from '../../test/support/stats.js';

const BUDGET = 256 * 1024 ** 2;
const VALUE = Buffer.alloc(40_000);
let loads = 0;
const load = async (): Promise<Buffer> => {
  loads++;
  await new Promise((resolve) => setImmediate(resolve));
  return VALUE;
};

type Get = (key: string) => Promise<Buffer>;

const candidates: Record<string, () => Get> = {
  'ByteCache + Coalescer': () => {
    const cache = new ByteCache<Buffer>(BUDGET, (b) => b.length);
    const reads = new Coalescer<Buffer>();
    return async (key) =>
      cache.get(key) ??
      reads.run(key, async () => {
        const value = await load();
        cache.set(key, value);
        return value;
      });
  },
  'lru-cache fetch()': () => {
    const lru = new LRUCache<string, Buffer>({
      maxSize: BUDGET,
      maxEntrySize: BUDGET / 8,
      sizeCalculation: (b) => Math.max(1, b.length),
      // An in-flight read evicted under pressure must still answer its callers.
      ignoreFetchAbort: true,
      fetchMethod: () => load(),
    });
    return async (key) => (await lru.fetch(key))!;
  },
};

async function round(get: Get): Promise<{ hitNs: number; missUs: number; loads: number }> {
  loads = 0;
  for (let i = 0; i < 1000; i++) await get(`warm${i}`);
  let t = performance.now();
  for (let i = 0; i < 200_000; i++) await get(`warm${i % 1000}`);
  const hitNs = ((performance.now() - t) / 200_000) * 1e6;
  t = performance.now();
  const calls: Promise<Buffer>[] = [];
  for (let i = 0; i < 2000; i++) for (let j = 0; j < 10; j++) calls.push(get(`cold${i}`));
  await Promise.all(calls);
  return { hitNs, missUs: ((performance.now() - t) / 2000) * 1e3, loads };
}

const results = new Map<string, { hit: number[]; miss: number[] }>();
for (let r = 0; r < 7; r++) {
  for (const [name, make] of Object.entries(candidates)) {
    const { hitNs, missUs, loads: n } = await round(make());
    const acc = results.get(name) ?? { hit: [], miss: [] };
    acc.hit.push(hitNs);
    acc.miss.push(missUs);
    results.set(name, acc);
    console.log(
      `${name}: ${hitNs.toFixed(0)} ns/hit, ${missUs.toFixed(1)} µs/cold key, ${n} loads (3000 keys)`,
    );
  }
}
for (const [name, { hit, miss }] of results) {
  console.log(`median ${name}: ${median(hit).toFixed(0)} ns/hit, ${median(miss).toFixed(1)} µs/cold key`);
}
