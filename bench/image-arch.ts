/**
 * The project's image, per architecture, doing real work: each image given runs
 * `enlarger dev` (media, converter and resizer in one process) in the container
 * engine, read-only as the operator runs it, and serves one upload, converted
 * into its master and sizes, and two resizer renders of it, checked by their
 * dimensions. An image of another architecture than this machine's runs under
 * qemu user emulation (test/infra/kind/binfmt.sh), so its times are qemu's, not
 * an arm64 CPU's. One table: architecture the image says and the one `node`
 * reports inside it, size, start-up, conversion and render times.
 * Usage: npx tsx bench/image-arch.ts IMAGE...   (make image-arm64-check)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { realPhotosDir } from '../test/support/photos.js';
import { eventually } from '../test/support/wait.js';

// Host networking on ports of this machine's range for the check (7400-7499): nothing is published.
const MEDIA = 7401;
const RESIZER = 7403;
const ENV = {
  DATA_DIR: '/data',
  // The image ships no dev page's files (the Dockerfile copies dist/ only); the API is what is measured.
  MEDIA_DEV_PAGE: 'false',
  MEDIA_PORT: MEDIA,
  MEDIA_ADMIN_PORT: 7402,
  RESIZER_PORT: RESIZER,
  RESIZER_ADMIN_PORT: 7404,
  CONVERTER_ADMIN_PORT: 7405,
};

const docker = (...args: string[]) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

interface Row {
  image: string;
  arch: string;
  nodeArch: string;
  sizeMB: number;
  startS: number;
  convertS: number;
  renderMs: number[];
  rendered: string;
}

async function measure(image: string, photo: string): Promise<Row> {
  const arch = docker('image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', image);
  const sizeMB = Number(docker('image', 'inspect', '-f', '{{.Size}}', image)) / 1e6;
  // The code that runs, not the label: node's own idea of the CPU it runs on.
  const nodeArch = docker(
    'run',
    '--rm',
    '--network',
    'none',
    '--entrypoint',
    'node',
    image,
    '-p',
    'process.arch',
  );
  const env = Object.entries(ENV).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const started = Date.now();
  const id = docker(
    'run',
    '-d',
    '--network',
    'host',
    '--read-only',
    '--tmpfs',
    '/tmp',
    '--tmpfs',
    '/data:uid=65532,gid=65532',
    ...env,
    image,
    'dev',
  );
  try {
    // Stops waiting at once if the container exits: its log says why (below).
    const up = await eventually(
      async () => {
        if (docker('inspect', '-f', '{{.State.Running}}', id) !== 'true') return 'exited';
        return (await fetch(`http://127.0.0.1:${RESIZER}/`).catch(() => undefined)) !== undefined && 'up';
      },
      { timeoutMs: 180_000, intervalMs: 200, what: `${image} to listen` },
    );
    if (up === 'exited') throw new Error(`${image} exited before it listened`);
    const startS = (Date.now() - started) / 1000;
    const uploadStarted = Date.now();
    const res = await fetch(`http://127.0.0.1:${MEDIA}/v1/photos`, {
      method: 'POST',
      body: readFileSync(photo),
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (res.status !== 201) throw new Error(`${image}: upload answered ${res.status}: ${await res.text()}`);
    const { id: photoId } = (await res.json()) as { id: string };
    await eventually(
      async () => {
        const { status } = (await (await fetch(`http://127.0.0.1:${MEDIA}/v1/photos/${photoId}`)).json()) as {
          status: string;
        };
        if (status === 'failed') throw new Error(`${image}: the conversion failed`);
        return status === 'ready';
      },
      { timeoutMs: 600_000, intervalMs: 200, what: `${image} to convert the upload` },
    );
    const convertS = (Date.now() - uploadStarted) / 1000;
    const renderMs: number[] = [];
    let rendered = '';
    // Two widths: the first render loads the master, the second finds it in the resizer's cache.
    for (const w of [800, 640]) {
      const t = performance.now();
      const out = await fetch(`http://127.0.0.1:${RESIZER}/v1/photos/${photoId}?fmt=jpeg&w=${w}`);
      const body = Buffer.from(await out.arrayBuffer());
      renderMs.push(performance.now() - t);
      if (!out.ok) throw new Error(`${image}: render w=${w} answered ${out.status}`);
      const meta = await sharp(body).metadata();
      if (meta.width !== w || meta.format !== 'jpeg') {
        throw new Error(`${image}: asked for a ${w} px JPEG, got ${meta.width} px ${meta.format}`);
      }
      rendered += `${rendered ? ', ' : ''}${meta.width}×${meta.height}`;
    }
    return { image, arch, nodeArch, sizeMB, startS, convertS, renderMs, rendered };
  } catch (err) {
    console.error(docker('logs', '--tail', '30', id));
    throw err;
  } finally {
    docker('rm', '-f', id);
  }
}

const images = process.argv.slice(2);
if (images.length === 0) throw new Error('usage: npx tsx bench/image-arch.ts IMAGE...');
const dir = realPhotosDir();
// The smallest real JPEG: a real camera photo, and quick enough under emulation.
const photo = readdirSync(dir)
  .filter((n) => /\.jpe?g$/i.test(n))
  .map((n) => path.join(dir, n))
  .sort((a, b) => statSync(a).size - statSync(b).size)[0]!;
const meta = await sharp(photo).metadata();
console.log(
  `photo: ${path.basename(photo)}, ${meta.width}×${meta.height}, ${(statSync(photo).size / 1e6).toFixed(1)} MB`,
);
const rows: Row[] = [];
for (const image of images) rows.push(await measure(image, photo));
console.log(
  '| image | platform | node arch | size | start-up | upload → ready | render (cold, warm) | rendered |',
);
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  console.log(
    `| ${r.image} | ${r.arch} | ${r.nodeArch} | ${r.sizeMB.toFixed(0)} MB | ${r.startS.toFixed(1)} s | ` +
      `${r.convertS.toFixed(1)} s | ${r.renderMs.map((ms) => ms.toFixed(0)).join(', ')} ms | ${r.rendered} |`,
  );
}
