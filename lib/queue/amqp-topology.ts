import type { Options } from 'amqplib';
import { UnrecoverableError } from '../errors.js';

/** Header carrying the attempt number (1 on first publish); survives dead-lettering through retry queues. */
export const ATTEMPT_HEADER = 'x-attempt';
/** Header on dead-lettered and retried messages: why the last attempt failed. */
export const ERROR_HEADER = 'x-last-error';

/** One queue to assert at connect time. */
export interface QueueDeclaration {
  name: string;
  options: Options.AssertQueue;
}

/** Every queue a task queue named `name` needs. */
export interface Topology {
  main: QueueDeclaration;
  deadLetter: QueueDeclaration;
  /** One TTL'd queue per distinct delay, keyed by the delay in ms. */
  retries: Map<number, QueueDeclaration>;
}

export const deadLetterQueueName = (name: string): string => `${name}.dlq`;
export const retryQueueName = (name: string, delayMs: number): string => `${name}.retry.${delayMs}ms`;

/**
 * Retries wait in a queue with a fixed message TTL and no consumers; when a
 * message expires RabbitMQ dead-letters it through the default exchange back
 * into the main queue. One queue per delay (rather than per-message TTL)
 * because RabbitMQ only expires messages at the head of a queue: mixed TTLs
 * in one queue would hold short delays behind long ones.
 */
export function topology(name: string, delaysMs: readonly number[]): Topology {
  const retries = new Map<number, QueueDeclaration>();
  for (const delayMs of delaysMs) {
    retries.set(delayMs, {
      name: retryQueueName(name, delayMs),
      options: {
        durable: true,
        arguments: {
          'x-message-ttl': delayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': name,
        },
      },
    });
  }
  return {
    main: { name, options: { durable: true } },
    deadLetter: { name: deadLetterQueueName(name), options: { durable: true } },
    retries,
  };
}

/** The attempt number a message carries; anything unreadable counts as a first attempt. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[ATTEMPT_HEADER]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

export const encodeTask = (task: unknown): Buffer => Buffer.from(JSON.stringify(task));

/** Parses a message body; one that is not JSON can never succeed, so it is unrecoverable. */
export function decodeTask<T>(content: Buffer): T {
  try {
    return JSON.parse(content.toString('utf8')) as T;
  } catch (err) {
    throw new UnrecoverableError('message body is not JSON', { cause: err });
  }
}
