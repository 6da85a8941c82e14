// Loaded into a service process with NODE_OPTIONS="--import <this file>" by
// bench/memory: every MEMORY_PROBE_MS (5000) it appends one JSON line to
// MEMORY_PROBE_FILE with the process's RSS, V8 heap, `external` and
// ArrayBuffers, and libvips' own counters (sharp.cache() reports the memory
// libvips tracks, in MB, whether or not its cache is on), so RSS can be read
// against what JavaScript and libvips say they hold. Not part of any service.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const file = process.env.MEMORY_PROBE_FILE;
if (file) {
  // sharp as the service itself resolves it: the same module, so the same libvips.
  const sharp = createRequire(`${process.cwd()}/package.json`)('sharp');
  const MIB = 1024 ** 2;
  const started = Date.now();
  const sample = () => {
    const m = process.memoryUsage();
    const vips = sharp.cache(); // reading does not change the settings
    appendFileSync(
      file,
      JSON.stringify({
        pid: process.pid,
        t: (Date.now() - started) / 1000,
        rss: m.rss / MIB,
        heapUsed: m.heapUsed / MIB,
        heapTotal: m.heapTotal / MIB,
        external: m.external / MIB,
        arrayBuffers: m.arrayBuffers / MIB,
        vipsMemory: vips.memory.current,
        vipsHigh: vips.memory.high,
        vipsFiles: vips.files.current,
        sharpQueue: sharp.counters().queue,
        sharpProcess: sharp.counters().process,
      }) + '\n',
    );
  };
  setInterval(sample, Number(process.env.MEMORY_PROBE_MS ?? 5000)).unref();
}
