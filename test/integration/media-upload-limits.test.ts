import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { startServiceProcess, type ServiceProcess } from '../support/media-process.js';
import { buildCli } from '../support/processes.js';
import { openRaw, requestHead, responseHead, type RawResponse } from '../support/raw-http.js';
import { eventually } from '../support/wait.js';
import { noise } from '../support/noise.js';

/** The operator's memory limit for a media pod. */
const POD_LIMIT = 512 * 1024 ** 2;
const ATTACKERS = 600;
/** media's default MEDIA_MAX_UPLOADS: the test holds the shipped setting to the pod limit. */
const MAX_UPLOADS = 8;
const IDLE_SECONDS = 15;

/**
 * A stalled upload: headers announcing 50 MB, then 24 MiB (a real JPEG's
 * first MiB, then noise), then nothing. 24 MiB fills the S3 writer's three
 * 8 MiB parts: the most one upload can make media hold.
 */
interface Stalled {
  socket: Socket;
  response: Promise<RawResponse | undefined>;
  closed: Promise<void>;
}

async function stall(url: string, head: Buffer): Promise<Stalled> {
  const socket = await openRaw(url);
  socket.on('error', () => undefined);
  const response = responseHead(socket);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    requestHead('/v1/photos', { 'Content-Type': 'application/octet-stream', 'Content-Length': 50_000_000 }),
  );
  // A shed upload is answered from its headers; give the answer a moment so
  // the body is not written into a connection the server is closing (the
  // client would then see a reset, not the 503). 2 s: 600 at once on busy cores.
  const early = await Promise.race([response, sleep(2_000, 'none' as const)]);
  if (early === 'none') socket.write(head);
  return { socket, response, closed };
}

/** Times one probe; an unanswered probe counts as the full 5 s. */
async function probe(url: string): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  return { status: res?.status ?? 0, ms: Date.now() - started };
}

describe('media under 600 stalled uploads (child process on RabbitMQ and S3)', () => {
  const c = new Constellation();
  let media: ServiceProcess;
  let jpegHead: Buffer;
  let stalledBody: Buffer;

  beforeAll(async () => {
    await buildCli();
    await c.createBucket();
    media = await startServiceProcess('media', 'MEDIA_PORT', {
      ...c.env,
      MEDIA_UPLOAD_IDLE_SECONDS: String(IDLE_SECONDS),
      // Request lines are logged at info; the test reads them.
      LOG_LEVEL: 'info',
    });
    const noisy = await noise(2000, 2000, { sigma: 50 }).jpeg({ quality: 95 }).toBuffer();
    jpegHead = noisy.subarray(0, 1024 * 1024);
    stalledBody = Buffer.concat([jpegHead, randomBytes(23 * 1024 * 1024)]);
  });
  afterAll(async () => {
    await media?.stop();
    await c.dispose();
  });

  it('sheds past the cap with 503 + Retry-After, keeps probes answering and RSS under the pod limit, then cuts the stalled ones off', async () => {
    const baseline = await media.rss();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await media.rss());
        await sleep(100);
      }
    })();
    const attack = await Promise.all(Array.from({ length: ATTACKERS }, () => stall(media.url, stalledBody)));
    // Whatever fails below, the next test needs the upload slots back.
    onTestFinished(() => attack.forEach((a) => a.socket.destroy()));
    const probes = [];
    for (let i = 0; i < 5; i++) {
      probes.push(await probe(`${media.admin}/healthz`), await probe(`${media.admin}/readyz`));
      await sleep(200);
    }
    const real = await c.upload(
      media.url,
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#468' } })
        .jpeg()
        .toBuffer(),
    );
    const answered = await Promise.all(
      attack.map((a) => Promise.race([a.response, sleep(1_000, undefined)])),
    );
    const shed = answered.filter((r) => r?.status === 503);
    sampling = false;
    await sampler;
    console.info(
      `media RSS: baseline ${(baseline / 2 ** 20).toFixed(0)} MiB, peak under ${ATTACKERS} stalled uploads ` +
        `${(peak / 2 ** 20).toFixed(0)} MiB (pod limit ${POD_LIMIT / 2 ** 20} MiB); ` +
        `probes ${Math.max(...probes.map((p) => p.ms))} ms at worst`,
    );
    expect({ shed: shed.length, retryAfter: shed[0]?.headers['retry-after'] }).toEqual({
      shed: ATTACKERS - MAX_UPLOADS,
      retryAfter: '2',
    });
    expect(real.status).toBe(503);
    expect(
      probes.every((p) => p.status === 200 && p.ms < 1_000),
      JSON.stringify(probes),
    ).toBe(true);
    expect(peak).toBeLessThan(POD_LIMIT);

    // The admitted ones are cut off once idle, and their slots are free again.
    const admitted = attack.filter((_, i) => answered[i] === undefined);
    expect(admitted).toHaveLength(MAX_UPLOADS);
    const cutAt = Date.now();
    await Promise.all(admitted.map((a) => a.closed));
    expect(Date.now() - cutAt).toBeLessThan((IDLE_SECONDS + 3) * 1000);
    const after = await c.upload(
      media.url,
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#468' } })
        .jpeg()
        .toBuffer(),
    );
    expect(after.status).toBe(201);
    const { id } = (await after.json()) as PhotoStatus;
    // Nothing of the 600 was stored: only the one real photo's keys exist.
    expect((await c.keys()).filter((k) => !k.includes(id))).toEqual([]);
  });

  it('logs client aborts as client errors, never as 500s', async () => {
    const errorsBefore = media.logs.filter((l) => l.level === 'error').length;
    for (let i = 0; i < 10; i++) {
      const socket = await openRaw(media.url);
      socket.on('error', () => undefined);
      socket.write(requestHead('/v1/photos', { 'Content-Length': 5_000_000 }));
      socket.write(jpegHead.subarray(0, 600 * 1024));
      await sleep(100);
      socket.destroy();
    }
    await eventually(() => media.logs.filter((l) => l.msg === 'request' && l.aborted === true).length >= 10, {
      timeoutMs: 10_000,
      what: 'the aborted requests to be logged',
    });
    expect(media.logs.filter((l) => l.level === 'error').slice(errorsBefore)).toEqual([]);
  });
});
