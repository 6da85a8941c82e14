import type { Attributes } from '@opentelemetry/api';
import { contextFrom, inSpan, SpanKind, traceHeaders, tracingEnabled } from './span.js';

/** Which broker a queue runs on, as OpenTelemetry's messaging conventions name it. */
export type MessagingSystem = 'rabbitmq' | 'in-process';

/**
 * Publishes under a PRODUCER span `publish <destination>`: `send` gets the
 * W3C headers to put on the message, so its consumer continues the same trace.
 * With tracing off, `send({})` alone.
 */
export function tracedPublish<T>(
  system: MessagingSystem,
  destination: string,
  send: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return send({});
  return inSpan(`publish ${destination}`, () => send(traceHeaders()), {
    kind: SpanKind.PRODUCER,
    attributes: attributes(system, destination, 'publish'),
  });
}

/**
 * Handles a delivered message under a CONSUMER span `process <queue>`, the
 * child of the publisher's span that `headers` carry, so the handler's own
 * spans join the trace of the request that queued the work. A retry carries
 * the same headers: each attempt is another child of the one publish.
 */
export function tracedProcess<T>(
  system: MessagingSystem,
  queue: string,
  delivery: { headers: Record<string, unknown> | undefined; attempt: number },
  handle: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return handle();
  return inSpan(`process ${queue}`, handle, {
    kind: SpanKind.CONSUMER,
    parent: contextFrom(delivery.headers),
    attributes: { ...attributes(system, queue, 'process'), 'enlarger.attempt': delivery.attempt },
  });
}

function attributes(system: MessagingSystem, destination: string, operation: string): Attributes {
  return {
    'messaging.system': system,
    'messaging.destination.name': destination,
    'messaging.operation.type': operation,
  };
}
