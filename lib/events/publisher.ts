import type { PhotoEvent } from './photo-event.js';

/**
 * Where a service sends the photo events it emits. Implementations: the
 * events exchange on RabbitMQ, and an in-process bus for `enlarger dev`.
 *
 * `publish` resolves once the event is safely stored (a publisher confirm)
 * and rejects otherwise; the caller then keeps whatever makes it publish
 * again (the converter keeps the photo's pending marker), so delivery is
 * at-least-once and consumers dedupe on the event's `id`.
 */
export interface EventPublisher {
  publish(event: PhotoEvent): Promise<void>;
}

/** Something that takes every event published in-process. */
export type EventListener = (event: PhotoEvent) => Promise<void>;
