import { describe, expect, it } from 'vitest';
import { readyCondition } from './ready.js';

const problem = { reason: 'SecretKeyNotFound', message: 'Secret "amqp" has no key "url".' };

describe('readyCondition', () => {
  it('is False with the problem, whatever the rollout', () => {
    for (const waiting of [undefined, 'media 0/2 ready'])
      expect(readyCondition(problem, waiting)).toEqual({ type: 'Ready', status: 'False', ...problem });
  });

  it('is False while components roll out, naming them; True once all are, naming every one', () => {
    expect([readyCondition(undefined, 'media 1/2 ready'), readyCondition(undefined, undefined)]).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'ComponentsNotReady',
        message: 'Waiting for media 1/2 ready.',
      },
      {
        type: 'Ready',
        status: 'True',
        reason: 'AllComponentsReady',
        message: 'media, converter and resizer are ready.',
      },
    ]);
  });
});
