import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';

interface UploadOptions {
  url: string;
  photographer?: string;
  token?: string;
  wait: boolean;
}

/**
 * `enlarger upload <file>`: streams a file to the media service with a
 * progress bar, prints the response and, with --wait, polls until the photo
 * is ready or failed.
 */
export const uploadCommand = () =>
  new Command('upload')
    .description('upload a photo to the media service')
    .argument('<file>', 'image file to upload')
    .option('--url <url>', 'media service base URL', process.env.ENLARGER_URL ?? 'http://localhost:8080')
    .option('--photographer <name>', 'credit the photo to this photographer')
    .option('--token <token>', 'upload token, when media has MEDIA_UPLOAD_KEYS (see sign-upload)')
    .option('--wait', 'wait until the photo is converted', false)
    .action(async (file: string, options: UploadOptions) => {
      const size = (await stat(file)).size;
      const bar = new SingleBar(
        { format: '{bar} {percentage}% | {value}/{total} bytes', hideCursor: true },
        Presets.shades_classic,
      );
      bar.start(size, 0);
      let sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          sent += chunk.length;
          bar.update(sent);
          callback(null, chunk);
        },
      });
      const body = Readable.toWeb(createReadStream(file).pipe(counter)) as ReadableStream<Uint8Array>;
      const headers: Record<string, string> = {
        'content-length': String(size),
        'content-type': 'application/octet-stream',
      };
      // Header values go out one byte per character: send the name's UTF-8 bytes, which media decodes.
      if (options.photographer)
        headers['x-photographer'] = Buffer.from(options.photographer, 'utf8').toString('latin1');
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const res = await fetch(new URL('/v1/photos', options.url), {
        method: 'POST',
        body,
        headers,
        duplex: 'half',
      });
      bar.stop();
      const json = (await res.json()) as { id?: string };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      if (!res.ok) process.exit(1);
      if (options.wait && json.id) await waitForPhoto(options.url, json.id);
    });

async function waitForPhoto(base: string, id: string): Promise<void> {
  for (;;) {
    const status = (await (await fetch(new URL(`/v1/photos/${id}`, base))).json()) as { status: string };
    if (status.status !== 'processing') {
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      if (status.status === 'failed') process.exit(1);
      return;
    }
    await sleep(500);
  }
}
