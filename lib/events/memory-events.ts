import type { EventListener, EventPublisher } from './publisher.js';
import type { PhotoEvent } from './photo-event.js';

/**
 * The events of `enlarger dev`: every listener hears every event, in the
 * process, with no broker. A listener that fails fails the publish, as an
 * unconfirmed publish to the exchange would, so the caller's retry covers it;
 * the webhook relay's listener only enqueues, so it does not fail for a site that is down.
 */
export class MemoryEventBus implements EventPublisher {
  private readonly listeners = new Set<EventListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async publish(event: PhotoEvent): Promise<void> {
    // Through JSON, as a broker would carry it: each listener gets its own copy.
    const body = JSON.stringify(event);
    await Promise.all([...this.listeners].map((listener) => listener(JSON.parse(body) as PhotoEvent)));
  }
}
