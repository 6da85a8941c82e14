import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { gifWithFrame } from '../support/hostile.js';
import { multipart, openRaw, requestHead, responseStatus } from '../support/raw-http.js';
import { noise } from '../support/noise.js';

const blueNoise = (width: number, height: number, sigma: number) =>
  noise(width, height, { sigma, background: '#5080b0' });

/** Issue 10's attacks on the upload path, against media and the converter on RabbitMQ and S3. */
describe('hostile and awkward uploads (issue 10)', () => {
  const c = new Constellation();
  let media: string;

  beforeAll(async () => {
    await c.createBucket();
    media = await c.startMedia();
    await c.startConverter();
  });
  afterAll(() => c.dispose());

  it('accepts and converts a 2560×1600 LZW TIFF whose directory sits after the pixels', async () => {
    const tiff = await blueNoise(2560, 1600, 6).tiff({ compression: 'lzw' }).toBuffer();
    expect(tiff.readUInt32LE(4)).toBeGreaterThan(4 * 1024 ** 2);
    const res = await c.upload(media, tiff);
    const created = (await res.json()) as PhotoStatus;
    expect({ status: res.status, original: created.original }).toEqual({
      status: 201,
      original: { format: 'tiff', width: 2560, height: 1600, bytes: tiff.length },
    });
    expect(await c.settled(media, created.id)).toMatchObject({
      status: 'ready',
      master: { width: 2048, height: 1280 },
    });
  });

  it('refuses a GIF whose 16×16 header fronts a 17000×9000 frame, storing nothing', async () => {
    const before = await c.keys();
    const res = await c.upload(media, gifWithFrame([16, 16], [17_000, 9_000]));
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: 422,
      body: { error: { code: 'dimensions_too_large' } },
    });
    expect(await c.keys()).toEqual(before);
  });

  it('fails a truncated JPEG with FF D9 appended instead of converting it with a grey bottom', async () => {
    const full = await blueNoise(1600, 1200, 40).jpeg({ quality: 90 }).toBuffer();
    const cut = Buffer.concat([full.subarray(0, Math.floor(full.length * 0.6)), Buffer.from([0xff, 0xd9])]);
    const res = await c.upload(media, cut);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as PhotoStatus;
    const settled = await c.settled(media, id);
    expect(settled).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('premature end') as unknown,
    });
    expect(settled.master).toBeUndefined();
  });

  it('answers 400 to a multipart body cut short, storing nothing', async () => {
    const before = await c.keys();
    const { body, contentType } = multipart({}, await blueNoise(800, 600, 30).jpeg().toBuffer());
    const cut = body.subarray(0, Math.floor(body.length * 0.7));
    const socket = await openRaw(media);
    const status = responseStatus(socket);
    socket.write(requestHead('/v1/photos', { 'Content-Type': contentType, 'Content-Length': cut.length }));
    socket.end(cut);
    expect(await status).toBe(400);
    expect(await c.keys()).toEqual(before);
  });

  it('refuses control characters in the photographer and stores names in NFC', async () => {
    const jpeg = await blueNoise(320, 240, 10).jpeg().toBuffer();
    const withNul = multipart({ photographer: 'Ann\u0000Example' }, jpeg);
    const refused = await fetch(`${media}/v1/photos`, {
      method: 'POST',
      body: withNul.body,
      headers: { 'content-type': withNul.contentType },
    });
    expect({ status: refused.status, body: await refused.json() }).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_photographer' } },
    });
    const decomposed = multipart({ photographer: '  Zoe\u0301   Łukasz ' }, jpeg);
    const ok = await fetch(`${media}/v1/photos`, {
      method: 'POST',
      body: decomposed.body,
      headers: { 'content-type': decomposed.contentType },
    });
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as PhotoStatus;
    const status = (await (await fetch(`${media}/v1/photos/${id}`)).json()) as { photographer: string };
    expect(status.photographer).toBe('Zo\u00e9 Łukasz');
  });
});
