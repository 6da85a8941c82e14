import { LRUCache } from 'lru-cache';

/**
 * An LRU bounded by bytes, not entries: a 40 KB thumbnail and a 4 MB master
 * cost what they weigh. A budget of 0 turns the cache off (benchmarks of the
 * miss path use it).
 */
export class ByteCache<V extends object> {
  private readonly lru: LRUCache<string, V> | undefined;

  constructor(maxBytes: number, sizeOf: (value: V) => number) {
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, V>({
            maxSize: maxBytes,
            // One entry may take an eighth of the budget, so a few huge files cannot flush everything else.
            maxEntrySize: Math.max(1, Math.floor(maxBytes / 8)),
            sizeCalculation: (value) => Math.max(1, sizeOf(value)),
          })
        : undefined;
  }

  get(key: string): V | undefined {
    return this.lru?.get(key);
  }

  set(key: string, value: V): void {
    this.lru?.set(key, value);
  }

  /** Drops every entry whose key starts with `prefix` (one photo's): a scan, fine at the rate photos are deleted. */
  deletePrefix(prefix: string): void {
    if (!this.lru) return;
    for (const key of [...this.lru.keys()]) if (key.startsWith(prefix)) this.lru.delete(key);
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }
}
