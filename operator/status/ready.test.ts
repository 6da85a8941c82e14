import { describe, expect, it } from 'vitest';
import { readyCondition } from './ready.js';

describe('readyCondition', () => {
  it('is False with the problem, whatever the rollout', () => {
    const problem = { reason: 'SecretKeyNotFound', message: 'Secret "amqp" has no key "url".' };
    expect(readyCondition(problem, undefined)).toEqual({ type: 'Ready', status: 'False', ...problem });
    expect(readyCondition(problem, 'media 0/2 ready')).toEqual({
      type: 'Ready',
      status: 'False',
      ...problem,
    });
  });

  it('is False while components roll out, naming them', () => {
    expect(readyCondition(undefined, 'media 1/2 ready')).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'ComponentsNotReady',
      message: 'Waiting for media 1/2 ready.',
    });
  });

  it('is True when every component is rolled out, naming them all', () => {
    expect(readyCondition(undefined, undefined)).toEqual({
      type: 'Ready',
      status: 'True',
      reason: 'AllComponentsReady',
      message: 'media, converter and resizer are ready.',
    });
  });
});
