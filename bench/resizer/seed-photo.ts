/**
 * Seeds one benchmark photo the way production stores it: the original as
 * uploaded, a `processing` manifest, then the real converter makes the master
 * and sizes. Shared by `seed.ts` (bench-resizer, bench-peers) and
 * `bench/bytes/run.ts`, so every benchmark renders from the same copies.
 */
import { readFile } from 'node:fs/promises';
import { MemoryEventBus } from '../../lib/events/memory-events.js';
import type { Logger } from '../../lib/log/logger.js';
import { readManifest } from '../../lib/photos/records.js';
import type { FsStorage } from '../../lib/storage/fs-storage.js';
import type { DecodeAdmission } from '../../services/converter/admission.js';
import type { ConverterConfig } from '../../services/converter/config.js';
import { convertPhoto } from '../../services/converter/convert-photo.js';
import { storeOriginal } from '../../test/support/stored-original.js';

/** What the converter needs to seed a photo into one store. */
export interface SeedDeps {
  storage: FsStorage;
  config: ConverterConfig;
  admission: DecodeAdmission;
  log: Logger;
}

/** A photo as seeded. */
export interface SeededPhoto {
  id: string;
  /** Bytes of the master and sizes. */
  storedBytes: number;
  /** Converter CPU (user + system) to make them, ms. */
  convertCpuMs: number;
}

/** Stores `file` as a new photo and converts it; resolves when its copies are written. */
export async function seedPhoto(file: string, deps: SeedDeps): Promise<SeededPhoto> {
  const { storage } = deps;
  const { id } = await storeOriginal(storage, await readFile(file), {
    photographer: 'Benchmark Photographer',
  });
  const cpu = process.cpuUsage();
  // Nobody listens for events here: the bench only needs the converted files.
  await convertPhoto({ photoId: id }, { ...deps, events: new MemoryEventBus() });
  const used = process.cpuUsage(cpu);
  const manifest = await readManifest(storage, id);
  const storedBytes =
    (manifest?.master?.bytes ?? 0) + (manifest?.conversions ?? []).reduce((sum, c) => sum + c.bytes, 0);
  return { id, storedBytes, convertCpuMs: (used.user + used.system) / 1000 };
}
