import { describe, expect, it } from 'vitest';
import { progressingCondition } from './progressing.js';

describe('progressingCondition', () => {
  it('is False while paused, even with components still rolling out', () => {
    expect(progressingCondition(true, 'resizer 1/2 ready')).toEqual({
      type: 'Progressing',
      status: 'False',
      reason: 'Paused',
      message: 'spec.paused is true: children are left as they are.',
    });
  });

  it('is True while components roll out, naming them', () => {
    expect(progressingCondition(false, 'converter 0/1 ready, resizer 1/2 ready')).toEqual({
      type: 'Progressing',
      status: 'True',
      reason: 'RollingOut',
      message: 'Waiting for converter 0/1 ready, resizer 1/2 ready.',
    });
  });

  it('is False once every component runs its current config', () => {
    expect(progressingCondition(false, undefined)).toEqual({
      type: 'Progressing',
      status: 'False',
      reason: 'RolledOut',
      message: 'Every component runs its current config.',
    });
  });
});
