/**
 * Issue 31's 35-byte GIF (a 16×16 screen, one 16×16 frame at (16000, 9000),
 * which libvips decodes to a 16016×9016 canvas, 144 MP) through the
 * converter's decode, two at once: bare, and through DecodeAdmission with the
 * default budget and the working set estimated from the canvas. Each mode
 * runs in a fresh child process whose peak RSS is sampled every 5 ms.
 * Usage: npx tsx bench/gif-canvas.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DecodeAdmission, decodeWorkingSet } from '../services/converter/admission.js';
import sharp from 'sharp';
import { hostMallocEnv } from '../cli/allocator.js';
import { CONVERTER_DEFAULTS, loadConverterConfig } from '../services/converter/config.js';
import { decodeMaster } from '../services/converter/pipeline/decode-master.js';
import { offsetFrameGif } from '../test/support/lying-headers.js';

const MB = 1e6;
const [mode, file] = process.argv.slice(2);

if (mode) {
  // As the converter service sets libvips up: the operation cache would keep each decoder's canvas alive.
  const config = loadConverterConfig({});
  sharp.concurrency(config.vipsThreads);
  sharp.cache(false);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const start = process.memoryUsage.rss();
  const admission = new DecodeAdmission(CONVERTER_DEFAULTS.memoryBudgetBytes);
  const decode = () => decodeMaster(file!, 'gif', CONVERTER_DEFAULTS.master, 150_000_000);
  const started = Date.now();
  await Promise.all(
    [1, 2].map(() =>
      mode === 'admitted' ? admission.run(decodeWorkingSet(16_016, 9_016), decode) : decode(),
    ),
  );
  clearInterval(sampler);
  console.log(JSON.stringify({ mode, startMB: start / MB, peakMB: peak / MB, ms: Date.now() - started }));
} else {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gif-canvas-'));
  const gif = path.join(dir, 'canvas.gif');
  await writeFile(gif, offsetFrameGif());
  const self = fileURLToPath(import.meta.url);
  console.log(
    `| two decodes of the ${offsetFrameGif().length}-byte GIF | malloc | RSS at start | peak RSS | time |`,
  );
  console.log('| --- | --- | --- | --- | --- |');
  // glibc's defaults, and the settings every pod and `enlarger dev` run with.
  const mallocs = { default: {}, pods: hostMallocEnv() };
  for (const [malloc, env] of Object.entries(mallocs)) {
    for (const m of ['bare', 'admitted']) {
      const out = execFileSync('npx', ['tsx', self, m, gif], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
      const r = JSON.parse(out.trim().split('\n').pop()!) as { startMB: number; peakMB: number; ms: number };
      const cells = [
        m,
        malloc,
        `${r.startMB.toFixed(0)} MB`,
        `${r.peakMB.toFixed(0)} MB`,
        `${(r.ms / 1000).toFixed(1)} s`,
      ];
      console.log(`| ${cells.join(' | ')} |`);
    }
  }
  await rm(dir, { recursive: true, force: true });
}
