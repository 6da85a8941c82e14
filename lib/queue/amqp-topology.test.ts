import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../errors.js';
import {
  attemptOf,
  declareFailure,
  decodeTask,
  encodeTask,
  lostDeliveries,
  QueueMismatchError,
  topology,
} from './amqp-topology.js';

describe('topology', () => {
  const retry = (delayMs: number, quorum: boolean) => ({
    name: `convert.retry.${delayMs}ms`,
    options: {
      durable: true,
      arguments: {
        ...(quorum
          ? {
              'x-queue-type': 'quorum',
              'x-dead-letter-strategy': 'at-least-once',
              'x-overflow': 'reject-publish',
            }
          : {}),
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'convert',
      },
    },
  });

  it('declares quorum queues by default: the main queue dead-letters past the delivery limit', () => {
    expect(topology('convert', [1000, 5000, 5000])).toEqual({
      main: {
        name: 'convert',
        options: {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-dead-letter-strategy': 'at-least-once',
            'x-overflow': 'reject-publish',
            'x-delivery-limit': 10,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': 'convert.dlq',
          },
        },
      },
      deadLetter: {
        name: 'convert.dlq',
        options: { durable: true, arguments: { 'x-queue-type': 'quorum' } },
      },
      retries: new Map([
        [1000, retry(1000, true)],
        [5000, retry(5000, true)],
      ]),
    });
  });

  it('declares plain durable classic queues and one TTL queue per distinct delay for type classic', () => {
    expect(topology('convert', [1000, 5000, 5000], 'classic')).toEqual({
      main: { name: 'convert', options: { durable: true } },
      deadLetter: { name: 'convert.dlq', options: { durable: true } },
      retries: new Map([
        [1000, retry(1000, false)],
        [5000, retry(5000, false)],
      ]),
    });
  });
});

describe('lostDeliveries', () => {
  it('reads the quorum delivery count, else the redelivered flag', () => {
    expect(lostDeliveries({ 'x-delivery-count': 3 }, true)).toBe(3);
    expect(lostDeliveries({}, true)).toBe(1);
    expect(lostDeliveries(undefined, false)).toBe(0);
  });
});

describe('declareFailure', () => {
  it('turns PRECONDITION_FAILED into a QueueMismatchError that says the way out, and passes others through', () => {
    const refused = Object.assign(new Error("PRECONDITION_FAILED - inequivalent arg 'x-queue-type'"), {
      code: 406,
    });
    const failure = declareFailure(refused, 'convert', 'quorum');
    expect(failure).toBeInstanceOf(QueueMismatchError);
    expect((failure as Error).message).toContain('queue "convert" already exists');
    expect((failure as Error).message).toContain('QUEUE_TYPE=classic (spec.queue.type: classic)');
    expect((failure as Error).message).toContain('README "Moving to quorum queues"');
    const other = Object.assign(new Error('NOT_FOUND'), { code: 404 });
    expect(declareFailure(other, 'convert', 'quorum')).toBe(other);
  });
});

describe('attemptOf', () => {
  it('reads the attempt header and treats anything else as the first attempt', () => {
    expect(attemptOf({ 'x-attempt': 3 })).toBe(3);
    expect(attemptOf({ 'x-attempt': '2' })).toBe(2);
    expect(attemptOf({ 'x-attempt': 0 })).toBe(1);
    expect(attemptOf({ 'x-attempt': 'soon' })).toBe(1);
    expect(attemptOf(undefined)).toBe(1);
  });
});

describe('task codec', () => {
  it('round-trips JSON and calls a non-JSON body unrecoverable', () => {
    expect(decodeTask(encodeTask({ photoId: 'p1', sizes: [1, 2] }))).toEqual({
      photoId: 'p1',
      sizes: [1, 2],
    });
    expect(() => decodeTask(Buffer.from('{not json'))).toThrow(UnrecoverableError);
  });
});
