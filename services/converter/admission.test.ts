import { describe, expect, it } from 'vitest';
import { DecodeAdmission, decodeWorkingSet } from './admission.js';
import { CONVERTER_DEFAULTS } from './config.js';

const MIB = 1024 ** 2;
const BUDGET_MIB = Math.floor(CONVERTER_DEFAULTS.memoryBudgetBytes / MIB);

/** Runs tasks of the given sizes through one admission and records the most that overlapped. */
async function peakOverlap(budgetMiB: number, sizesMiB: number[]): Promise<number> {
  const admission = new DecodeAdmission(budgetMiB * MIB);
  let running = 0;
  let peak = 0;
  await Promise.all(
    sizesMiB.map((size) =>
      admission.run(size * MIB, async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
      }),
    ),
  );
  return peak;
}

describe('DecodeAdmission', () => {
  it('runs two 18 MP photos side by side within the default budget', async () => {
    const mib = Math.ceil(decodeWorkingSet(5640, 3172) / MIB);
    expect(await peakOverlap(BUDGET_MIB, [mib, mib])).toBe(2);
  });

  it('runs a 40 MP photo beside an 18 MP one, but not two 40 MP photos', async () => {
    const large = Math.ceil(decodeWorkingSet(7728, 5152) / MIB);
    const photo = Math.ceil(decodeWorkingSet(5640, 3172) / MIB);
    expect(await peakOverlap(BUDGET_MIB, [large, photo])).toBe(2);
    expect(await peakOverlap(BUDGET_MIB, [large, large])).toBe(1);
  });

  it('runs a 100 MP photo alone', async () => {
    const huge = Math.ceil(decodeWorkingSet(12240, 8160) / MIB);
    expect(await peakOverlap(BUDGET_MIB, [huge, 10])).toBe(1);
  });

  it('runs a photo larger than a share of the budget alone', async () => {
    expect(await peakOverlap(640, [500, 500, 500])).toBe(1);
  });

  it('runs a photo larger than the whole budget alone instead of never', async () => {
    expect(await peakOverlap(640, [5000, 10])).toBe(1);
  });

  it('gives the budget back when work fails', async () => {
    const admission = new DecodeAdmission(100 * MIB);
    await expect(admission.run(100 * MIB, () => Promise.reject(new Error('corrupt')))).rejects.toThrow(
      'corrupt',
    );
    expect(admission.inUseBytes).toBe(0);
    await expect(admission.run(100 * MIB, () => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
