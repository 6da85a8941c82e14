import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

/** The instrumentation scope of every span Enlarger makes. */
export const tracer = () => trace.getTracer('enlarger');

/**
 * Set by `startTracing`. While false, the wrappers below call their function
 * and nothing else: no span objects, no context switch, no header parsing.
 * The OpenTelemetry API alone would be a no-op too, but still allocates a
 * span and runs a closure per call; the resizer's hot path pays neither.
 */
let enabled = false;

export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export function tracingEnabled(): boolean {
  return enabled;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent, when not the active context (a message's extracted context). */
  parent?: Context;
}

/**
 * Runs `fn` in a span called `name`, the child of the active one; the span
 * ends when `fn` settles and records its error. With tracing off, `fn` alone.
 */
export function inSpan<T>(
  name: string,
  fn: (span?: Span) => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  if (!enabled) return fn();
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        failed(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks `span` as failed by `err`. */
export function failed(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Header names of the W3C trace context: what crosses a queue or a process with the work. */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/** The active context as W3C headers (`traceparent`, `tracestate`); empty with tracing off. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  if (enabled) propagation.inject(context.active(), carrier);
  return carrier;
}

/** The active span's W3C `traceparent`, for a record that outlives the request (an event). */
export function currentTraceparent(): string | undefined {
  return traceHeaders().traceparent;
}

/**
 * The context that `headers` carry (an HTTP request's, an AMQP message's),
 * over the active one. Header values may arrive as Buffers from AMQP.
 */
export function contextFrom(headers: Record<string, unknown> | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const name of TRACE_HEADERS) {
    const value = headers?.[name];
    if (typeof value === 'string') carrier[name] = value;
    else if (Buffer.isBuffer(value)) carrier[name] = value.toString('latin1');
  }
  return propagation.extract(context.active(), carrier);
}

export { SpanKind };
