import type { Options } from 'amqplib';
import { messageOf, UnrecoverableError } from '../errors.js';

/** Header carrying the attempt number (1 on first publish); survives dead-lettering through retry queues. */
export const ATTEMPT_HEADER = 'x-attempt';
/** Set by quorum queues on a redelivery: how many earlier deliveries of this copy went unsettled. */
export const DELIVERY_COUNT_HEADER = 'x-delivery-count';
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
 * `quorum` replicates every queue over the cluster's nodes (Raft), so a task
 * survives the loss of a minority of them; `classic` keeps each queue on one
 * node, for a single-node broker or one older than RabbitMQ 3.10.
 */
export const QUEUE_TYPES = ['quorum', 'classic'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

/**
 * Deliveries of one message that no consumer settled before a quorum queue
 * dead-letters it. Consumers park a redelivered task as a failed attempt
 * (`x-attempt`, the retry ladder) on its next delivery, so this only bites
 * when consumers keep dying before they can even park it. Fixed rather than
 * following QUEUE_MAX_ATTEMPTS: it is part of the queue's identity, and a
 * broker refuses a redeclare that changes it.
 */
export const DELIVERY_LIMIT = 10;

/**
 * Arguments that make a queue quorum. Dead-lettering from a quorum queue is
 * at-most-once unless the strategy says otherwise: a retry expiring while the
 * main queue's leader is being re-elected would be dropped. At-least-once
 * requires `reject-publish` overflow (RabbitMQ 3.10+).
 */
function quorumArguments(deadLetters: boolean): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    ...(deadLetters ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } : {}),
  };
}

/**
 * Retries wait in a queue with a fixed message TTL and no consumers; when a
 * message expires RabbitMQ dead-letters it through the default exchange back
 * into the main queue. One queue per delay (rather than per-message TTL)
 * because RabbitMQ only expires messages at the head of a queue: mixed TTLs
 * in one queue would hold short delays behind long ones.
 */
export function topology(name: string, delaysMs: readonly number[], type: QueueType = 'quorum'): Topology {
  const quorum = type === 'quorum';
  const retries = new Map<number, QueueDeclaration>();
  for (const delayMs of delaysMs) {
    retries.set(delayMs, {
      name: retryQueueName(name, delayMs),
      options: {
        durable: true,
        arguments: {
          ...(quorum ? quorumArguments(true) : {}),
          'x-message-ttl': delayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': name,
        },
      },
    });
  }
  // On a quorum queue the broker itself dead-letters a message delivered
  // DELIVERY_LIMIT times without a settlement; a classic queue cannot count.
  const main: QueueDeclaration = quorum
    ? {
        name,
        options: {
          durable: true,
          arguments: {
            ...quorumArguments(true),
            'x-delivery-limit': DELIVERY_LIMIT,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': deadLetterQueueName(name),
          },
        },
      }
    : { name, options: { durable: true } };
  const deadLetter: QueueDeclaration = {
    name: deadLetterQueueName(name),
    options: quorum ? { durable: true, arguments: quorumArguments(false) } : { durable: true },
  };
  return { main, deadLetter, retries };
}

/** The attempt number a message carries; anything unreadable counts as a first attempt. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[ATTEMPT_HEADER]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/**
 * Deliveries of this copy that ended without a settlement: a quorum queue
 * counts them in `x-delivery-count`; a classic queue only says whether there
 * was at least one (`redelivered`).
 */
export function lostDeliveries(headers: Record<string, unknown> | undefined, redelivered: boolean): number {
  const count = Number(headers?.[DELIVERY_COUNT_HEADER]);
  if (Number.isInteger(count) && count >= 1) return count;
  return redelivered ? 1 : 0;
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

/**
 * A queue of that name exists with other arguments than this service
 * declares, typically a classic queue where QUEUE_TYPE=quorum asks for a
 * quorum one. RabbitMQ cannot change a queue's type in place, so no retry
 * fixes it; README "Moving to quorum queues" gives the ways across.
 */
export class QueueMismatchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueMismatchError';
  }
}

/** What a failed declare of `queue` means: a {@link QueueMismatchError} for PRECONDITION_FAILED, else `err` as is. */
export function declareFailure(err: unknown, queue: string, type: QueueType): unknown {
  if ((err as { code?: unknown } | undefined)?.code !== 406) return err;
  const other: QueueType = type === 'quorum' ? 'classic' : 'quorum';
  return new QueueMismatchError(
    `queue "${queue}" already exists on the broker with other arguments than QUEUE_TYPE=${type} declares ` +
      `(${messageOf(err)}). RabbitMQ cannot convert a queue in place: set QUEUE_TYPE=${other} ` +
      `(spec.queue.type: ${other}) to keep using it, or move across as README "Moving to quorum queues" shows.`,
    { cause: err },
  );
}
