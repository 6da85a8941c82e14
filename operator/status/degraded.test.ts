import { describe, expect, it } from 'vitest';
import { degradedCondition } from './degraded.js';

describe('degradedCondition', () => {
  it("is True with the problem's reason and message", () => {
    expect(degradedCondition({ reason: 'SecretNotFound', message: 'Secret "amqp" not found.' })).toEqual({
      type: 'Degraded',
      status: 'True',
      reason: 'SecretNotFound',
      message: 'Secret "amqp" not found.',
    });
  });

  it('is False when nothing stopped the reconcile', () => {
    expect(degradedCondition(undefined)).toEqual({
      type: 'Degraded',
      status: 'False',
      reason: 'ReconcileSucceeded',
      message: 'All children are applied.',
    });
  });
});
