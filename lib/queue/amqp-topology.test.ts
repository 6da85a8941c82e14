import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../errors.js';
import { attemptOf, decodeTask, encodeTask, topology } from './amqp-topology.js';

describe('topology', () => {
  it('declares a durable main queue, its DLQ and one TTL queue per distinct delay', () => {
    expect(topology('convert', [1000, 5000, 5000])).toEqual({
      main: { name: 'convert', options: { durable: true } },
      deadLetter: { name: 'convert.dlq', options: { durable: true } },
      retries: new Map([
        [
          1000,
          {
            name: 'convert.retry.1000ms',
            options: {
              durable: true,
              arguments: {
                'x-message-ttl': 1000,
                'x-dead-letter-exchange': '',
                'x-dead-letter-routing-key': 'convert',
              },
            },
          },
        ],
        [
          5000,
          {
            name: 'convert.retry.5000ms',
            options: {
              durable: true,
              arguments: {
                'x-message-ttl': 5000,
                'x-dead-letter-exchange': '',
                'x-dead-letter-routing-key': 'convert',
              },
            },
          },
        ],
      ]),
    });
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
