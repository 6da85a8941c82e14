import { describe, expect, it } from 'vitest';
import { setCondition } from './conditions.js';

const t0 = new Date('2025-01-01T00:00:00.123Z');
const t1 = new Date('2025-01-01T00:05:00.000Z');

describe('setCondition', () => {
  it('adds a missing condition with the current time at second precision', () => {
    expect(
      setCondition([], { type: 'Ready', status: 'False', reason: 'Waiting', message: 'm' }, 3, t0),
    ).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Waiting',
        message: 'm',
        observedGeneration: 3,
        lastTransitionTime: '2025-01-01T00:00:00Z',
      },
    ]);
  });

  it('keeps lastTransitionTime when the status stays, even if reason and message change', () => {
    const before = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, 1, t0);
    expect(
      setCondition(before, { type: 'Ready', status: 'False', reason: 'B', message: 'b' }, 2, t1),
    ).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'B',
        message: 'b',
        observedGeneration: 2,
        lastTransitionTime: '2025-01-01T00:00:00Z',
      },
    ]);
  });

  it('moves lastTransitionTime when the status flips, and leaves other conditions alone', () => {
    const before = [
      ...setCondition([], { type: 'Degraded', status: 'False', reason: 'Ok', message: '' }, 1, t0),
      ...setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, 1, t0),
    ];
    const after = setCondition(
      before,
      { type: 'Ready', status: 'True', reason: 'Done', message: 'd' },
      1,
      t1,
    );
    expect(after).toEqual([
      before[0],
      {
        type: 'Ready',
        status: 'True',
        reason: 'Done',
        message: 'd',
        observedGeneration: 1,
        lastTransitionTime: '2025-01-01T00:05:00Z',
      },
    ]);
  });
});
