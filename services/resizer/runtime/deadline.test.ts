import { describe, expect, it } from 'vitest';
import { unreadableSource } from '../render/load.js';
import { Deadline, DeadlineExceededError, isVipsTimeout } from './deadline.js';
import { noise } from '../../../test/support/noise.js';

describe('Deadline', () => {
  it('throws naming the step once spent', () => {
    let now = 0;
    const deadline = new Deadline(100, () => now);
    expect(() => deadline.check('load')).not.toThrow();
    now = 100;
    expect(() => deadline.check('encode')).toThrow(new DeadlineExceededError('encode'));
  });

  it('kills a libvips encode that runs past its time, and that answers 503, not 422', async () => {
    // Two seconds of budget minus 1.5 spent leaves sharp's minimum of one second.
    let now = 0;
    const deadline = new Deadline(2000, () => now);
    now = 1500;
    const slowEncode = noise(6000, 6000, { background: '#888' }).webp({ effort: 6 });
    const started = performance.now();
    const err = await deadline
      .bound(slowEncode)
      .toBuffer()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isVipsTimeout(err)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2500);
    expect(unreadableSource(err)).toMatchObject({ status: 503, code: 'deadline_exceeded' });
    expect(unreadableSource(new Error('VipsJpeg: premature end'))).toMatchObject({ status: 422 });
  });
});
