import { isUnrecoverable, messageOf } from '../errors.js';
import type { RetryPolicy } from './queue.js';

/** What to do with a task whose handler failed; `reason` is recorded on the parked message. */
export type FailureOutcome =
  | { kind: 'retry'; attempt: number; delayMs: number; reason: string }
  | { kind: 'dead-letter'; reason: string };

/** The delay before `attempt` (2 = first retry); past the end of the list the last delay repeats. */
export function delayBefore(policy: RetryPolicy, attempt: number): number {
  const { delaysMs } = policy;
  if (delaysMs.length === 0) return 0;
  return delaysMs[Math.min(Math.max(attempt - 2, 0), delaysMs.length - 1)] ?? 0;
}

/**
 * Decides between retrying and dead-lettering after attempt `attempt` threw
 * `err`: {@link UnrecoverableError} dead-letters at once, anything else
 * retries until `maxAttempts` is spent.
 */
export function onFailure(policy: RetryPolicy, attempt: number, err: unknown): FailureOutcome {
  if (isUnrecoverable(err)) return { kind: 'dead-letter', reason: `unrecoverable: ${messageOf(err)}` };
  if (attempt >= policy.maxAttempts) {
    return { kind: 'dead-letter', reason: `gave up after ${attempt} attempts: ${messageOf(err)}` };
  }
  return {
    kind: 'retry',
    attempt: attempt + 1,
    delayMs: delayBefore(policy, attempt + 1),
    reason: messageOf(err),
  };
}

/** Throws unless `policy` is usable; queues call it at construction so bad config fails at startup. */
export function assertRetryPolicy(policy: RetryPolicy): void {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new Error(`retry policy: maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  }
  if (policy.delaysMs.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`retry policy: delays must be non-negative integers, got ${policy.delaysMs.join(',')}`);
  }
}
