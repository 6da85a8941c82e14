import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../lib/events/memory-events.js';
import { createLogger } from '../../lib/log/logger.js';
import { readManifest } from '../../lib/photos/records.js';
import { DecodeAdmission } from '../../services/converter/admission.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { convertPhoto, storedCopies } from '../../services/converter/convert-photo.js';
import { Constellation } from '../support/constellation.js';
import { realPhotosDir } from '../support/photos.js';
import { buildCli, runCliToExit } from '../support/processes.js';
import { eventually } from '../support/wait.js';
import { storeOriginal } from '../support/stored-original.js';

/**
 * README "Stored copies": photos converted with earlier settings keep their
 * copies until `enlarger reconvert` queues them, a bounded number per run, on
 * the real RabbitMQ and S3 server, and the converter renders them anew.
 */
describe('enlarger reconvert', () => {
  const c = new Constellation({ LOG_LEVEL: 'warn' });
  // Stored copies other than the current defaults: a low-quality master.
  const oldConfig = loadConverterConfig({ ...c.env, CONVERTER_MASTER_QUALITY: '60' });
  const current = storedCopies(loadConverterConfig(c.env));
  const ids: string[] = [];

  beforeAll(async () => {
    await Promise.all([c.createBucket(), buildCli()]);
  });
  afterAll(() => c.dispose());

  it('re-renders stale photos through the queue, at most --limit a run, until none is left', async () => {
    const original = await readFile(path.join(realPhotosDir(), 'LadyBird.jpg'));
    const log = createLogger({ level: 'warn' });
    for (let i = 0; i < 2; i++) {
      const { id } = await storeOriginal(c.storage, original);
      const deps = { storage: c.storage, config: oldConfig, log, events: new MemoryEventBus() };
      await convertPhoto(
        { photoId: id },
        { ...deps, admission: new DecodeAdmission(oldConfig.memoryBudgetBytes) },
      );
      ids.push(id);
    }
    const before = await Promise.all(ids.map((id) => readManifest(c.storage, id)));
    expect(before.map((m) => m?.copies)).toEqual([storedCopies(oldConfig), storedCopies(oldConfig)]);

    await c.startConverter();
    const copiesOf = async () =>
      Promise.all(ids.map(async (id) => (await readManifest(c.storage, id))?.copies));
    const isCurrent = (copies: (string | undefined)[]) => copies.filter((x) => x === current).length;

    // One run queues one photo; the other keeps its old copies.
    expect((await runCliToExit('reconvert', c.env, ['--limit', '1'])).code).toBe(0);
    await eventually(async () => (isCurrent(await copiesOf()) === 1 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'one photo reconverted',
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(isCurrent(await copiesOf())).toBe(1);

    // The next run resumes with what is still stale.
    expect((await runCliToExit('reconvert', c.env, ['--limit', '1'])).code).toBe(0);
    await eventually(async () => (isCurrent(await copiesOf()) === 2 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'both photos reconverted',
    });

    for (const [i, id] of ids.entries()) {
      const after = (await readManifest(c.storage, id))!;
      expect(after.status).toBe('ready');
      // A q88+ master of the same pixels is bigger than the q60 one it replaced, and decodes to the same size.
      expect(after.master!.bytes).toBeGreaterThan(before[i]!.master!.bytes);
      const master = await sharp(await c.storage.getBuffer(after.master!.key)).metadata();
      expect([master.width, master.height]).toEqual([before[i]!.master!.width, before[i]!.master!.height]);
    }
  });
});
