/**
 * Seeds benchmark photos into a filesystem store the way production does:
 * the original is stored as uploaded, then the real converter makes the
 * master and sizes. Also stores a logo at `branding/logo.png` for the
 * watermark. Prints `{ "<file>": "<photo id>" }`.
 *
 * Usage: node dist/bench/resizer/seed.js <data-dir> <photo-file>...
 */
import path from 'node:path';
import sharp from 'sharp';
import { createLogger } from '../../lib/log/logger.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { DecodeAdmission } from '../../services/converter/admission.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { seedPhoto } from './seed-photo.js';

const [dataDir, ...files] = process.argv.slice(2);
if (!dataDir || files.length === 0) throw new Error('usage: seed.js <data-dir> <photo-file>...');

const storage = new FsStorage(dataDir);
const config = loadConverterConfig({ ...process.env, STORAGE_KIND: 'fs', DATA_DIR: dataDir });
const deps = {
  storage,
  config,
  admission: new DecodeAdmission(config.memoryBudgetBytes),
  log: createLogger({ level: 'warn' }),
};
await storage.put(
  'branding/logo.png',
  await sharp({
    text: { text: '<span foreground="white"><b>ENLARGER</b></span>', font: 'sans 64', rgba: true },
  })
    .png()
    .toBuffer(),
);
const ids: Record<string, string> = {};
for (const file of files) ids[path.basename(file)] = (await seedPhoto(file, deps)).id;
process.stdout.write(`${JSON.stringify(ids)}\n`);
