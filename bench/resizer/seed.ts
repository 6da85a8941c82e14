/**
 * Seeds benchmark photos into a filesystem store the way production does:
 * the original is stored as uploaded, then the real converter makes the
 * master and sizes. Also stores a logo at `branding/logo.png` for the
 * watermark. Prints `{ "<file>": "<photo id>" }`.
 *
 * Usage: node dist/bench/resizer/seed.js <data-dir> <photo-file>...
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { MemoryEventBus } from '../../lib/events/memory-events.js';
import { createLogger } from '../../lib/log/logger.js';
import { newPhotoId, photoKeys } from '../../lib/photos/keys.js';
import { writeManifest } from '../../lib/photos/records.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { DecodeAdmission } from '../../services/converter/admission.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { convertPhoto } from '../../services/converter/convert-photo.js';

const [dataDir, ...files] = process.argv.slice(2);
if (!dataDir || files.length === 0) throw new Error('usage: seed.js <data-dir> <photo-file>...');

const storage = new FsStorage(dataDir);
const config = loadConverterConfig({ ...process.env, STORAGE_KIND: 'fs', DATA_DIR: dataDir });
const admission = new DecodeAdmission(config.memoryBudgetBytes);
const log = createLogger({ level: 'warn' });
await storage.put(
  'branding/logo.png',
  await sharp({
    text: { text: '<span foreground="white"><b>ENLARGER</b></span>', font: 'sans 64', rgba: true },
  })
    .png()
    .toBuffer(),
);
const ids: Record<string, string> = {};
for (const file of files) {
  const bytes = await readFile(file);
  const meta = await sharp(bytes).metadata();
  const id = newPhotoId();
  await storage.put(photoKeys(id).original, bytes);
  const now = new Date().toISOString();
  await writeManifest(storage, {
    id,
    status: 'processing',
    photographer: 'Benchmark Photographer',
    createdAt: now,
    updatedAt: now,
    original: {
      format: 'jpeg',
      width: meta.width,
      height: meta.height,
      bytes: bytes.length,
      hasAlpha: meta.hasAlpha,
    },
    conversions: [],
  });
  // Nobody listens for events here: the bench only needs the converted files.
  await convertPhoto({ photoId: id }, { storage, config, log, admission, events: new MemoryEventBus() });
  ids[path.basename(file)] = id;
}
process.stdout.write(`${JSON.stringify(ids)}\n`);
