import { describe, expect, it } from 'vitest';
import { progressingCondition } from './progressing.js';

describe('progressingCondition', () => {
  it.each([
    [
      'False while paused, even with components still rolling out',
      true,
      'resizer 1/2 ready',
      ['False', 'Paused', 'spec.paused is true: children are left as they are.'],
    ],
    [
      'True while components roll out, naming them',
      false,
      'converter 0/1 ready, resizer 1/2 ready',
      ['True', 'RollingOut', 'Waiting for converter 0/1 ready, resizer 1/2 ready.'],
    ],
    [
      'False once every component runs its current config',
      false,
      undefined,
      ['False', 'RolledOut', 'Every component runs its current config.'],
    ],
  ] as const)('is %s', (_, paused, waiting, [status, reason, message]) => {
    expect(progressingCondition(paused, waiting)).toEqual({ type: 'Progressing', status, reason, message });
  });
});
