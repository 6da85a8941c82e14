import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orphans, RAM_DIR, settle, startDevTarget, type DevTarget } from '../fuzz/dev-target.js';
import { buildCli } from '../support/processes.js';

const UPLOADS = 3000;
// Two at a time, as the campaign that found it: conversions keep up, so pending/
// empties and is pruned between uploads, which is when the race bites.
const CLIENTS = 2;

/**
 * Issue 31: on the filesystem store one conversion's clearPending pruned the
 * empty pending/ folder while another upload marked its photo pending, and
 * about 1 upload in 800 answered 500, leaving an original nothing would ever
 * convert or remove. Thousands of valid uploads against `enlarger dev`, with
 * conversions finishing all the while, must all be accepted and converted.
 */
describe('enlarger dev on the filesystem store under concurrent uploads (issue 31)', () => {
  let target: DevTarget;

  beforeAll(async () => {
    await buildCli();
    // One small JPEG size: the race is in the store's folders, and encoders would only slow the test down.
    target = await startDevTarget(
      {
        MEDIA_MAX_UPLOADS: String(CLIENTS * 2),
        CONVERTER_SIZES: JSON.stringify([{ name: 'small', width: 16 }]),
      },
      RAM_DIR,
    );
  });
  afterAll(() => target?.stop());

  it(`accepts and converts ${UPLOADS} small uploads with no failure and no orphan`, async () => {
    const jpeg = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#58a' } })
      .jpeg()
      .toBuffer();
    const accepted = new Set<string>();
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < UPLOADS) {
          next++;
          const res = await fetch(`${target.media}/v1/photos`, { method: 'POST', body: jpeg });
          const body = (await res.json()) as { id?: string; error?: { code: string } };
          if (res.status === 201 && body.id) accepted.add(body.id);
          else failures.push(`${res.status} ${body.error?.code}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    const unsettled: string[] = [];
    for (const id of accepted) {
      const status = await settle(target.media, id, 30_000);
      if (status?.status !== 'ready') unsettled.push(`${id}: ${status?.status ?? 'still processing'}`);
    }
    expect({ accepted: accepted.size, unsettled }).toEqual({ accepted: UPLOADS, unsettled: [] });
    expect(await orphans(target.dataDir, accepted)).toEqual([]);
    expect(target.death()).toBeUndefined();
  });
});
