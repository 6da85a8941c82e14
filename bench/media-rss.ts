/**
 * Media's memory while it streams a ~300 MB upload into the S3 server: media
 * runs as its own process (`node dist/cli/main.js media`, so build first) and
 * its RSS is sampled from /proc every 50 ms. Reports the growth over its RSS
 * after a 16 MB warm-up upload. Needs S3_* and AMQP_URL (`.run/test.env`).
 * Usage: npx tsx bench/media-rss.ts
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Constellation } from '../test/support/constellation.js';
import { largeProgressivePhoto } from '../test/support/photos.js';
import { freePort, killAndWait, spawnCli } from '../test/support/processes.js';
import { eventually } from '../test/support/wait.js';
import { hugePng } from './fixtures.js';

const rssMB = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
};

const file = await hugePng();
const size = (await stat(file)).size;
const c = new Constellation();
await c.createBucket();
const [port, adminPort] = [await freePort(), await freePort()];
const media = spawnCli('media', { ...c.env, MEDIA_PORT: String(port), MEDIA_ADMIN_PORT: String(adminPort) });
const url = `http://127.0.0.1:${port}`;
try {
  await eventually(async () => (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).ok, {
    what: 'media ready',
  });
  const upload = (body: Buffer | ReadableStream, length: number) =>
    fetch(`${url}/v1/photos`, {
      method: 'POST',
      body,
      headers: { 'content-length': String(length) },
      duplex: 'half',
    });
  // Warm-up: a 16 MB photo takes the same multipart path, so code loading is not counted as growth.
  const warm = await readFile(await largeProgressivePhoto());
  await upload(warm, warm.length);
  const baseline = await rssMB(media.pid!);
  let peak = baseline;
  const sampler = setInterval(() => void rssMB(media.pid!).then((mb) => (peak = Math.max(peak, mb))), 50);
  const started = Date.now();
  const res = await upload(Readable.toWeb(createReadStream(file)) as ReadableStream, size);
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const body = await res.json();
  process.stdout.write(
    `${JSON.stringify({ status: res.status, uploadMB: size / 1e6, seconds, baselineRssMB: baseline, peakRssMB: peak, growthMB: peak - baseline, body })}\n`,
  );
} finally {
  await killAndWait(media, 'SIGTERM');
  await c.dispose();
}
