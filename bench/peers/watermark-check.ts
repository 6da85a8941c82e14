/**
 * Refuses an `imgproxy-wm` row that would measure nothing: imgproxy reads
 * IMGPROXY_WATERMARK_PATH once, at start, and draws no watermark (without an
 * error) when the file was not there then. Asks imgproxy for the same output
 * with and without its watermark and exits non-zero, saying how to start it,
 * when the logo is missing or the two answers are the same bytes.
 *
 *   node watermark-check.js <imgproxy-url> <data-dir> <photo-id>
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { photoKeys } from '../../lib/photos/keys.js';
import { peerPath, type PeerRequest } from './urls.js';

/** Where `seed.ts` writes the logo, relative to the data dir: imgproxy's IMGPROXY_WATERMARK_PATH. */
export const LOGO_KEY = 'branding/logo.png';

const [base, dataDir, photoId] = process.argv.slice(2);
if (!base || !dataDir || !photoId)
  throw new Error('usage: watermark-check.js <imgproxy-url> <data-dir> <photo-id>');
const logo = path.join(dataDir, LOGO_KEY);
const start = `start imgproxy after the store is seeded, with IMGPROXY_WATERMARK_PATH=${logo} (README, "Benchmarking against imgproxy and thumbor")`;

await access(logo).catch(() => {
  throw new Error(`no logo at ${logo}: ${start}`);
});
const r: PeerRequest = {
  photoId,
  sourceKey: photoKeys(photoId).original,
  width: 640,
  format: 'jpeg',
  quality: 80,
};
const get = async (p: string) => {
  const res = await fetch(new URL(p, base));
  if (!res.ok) throw new Error(`imgproxy answered ${res.status} to ${p}`);
  return Buffer.from(await res.arrayBuffer());
};
const [bare, marked] = [await get(peerPath('imgproxy', r)), await get(peerPath('imgproxy-wm', r))];
if (bare.equals(marked)) {
  process.stderr.write(
    `imgproxy-wm: imgproxy drew no watermark (same bytes with wm: as without); ${start}\n`,
  );
  process.exit(1);
}
process.stderr.write(
  `imgproxy-wm: imgproxy draws its watermark (${bare.length} → ${marked.length} B at 640 px)\n`,
);
