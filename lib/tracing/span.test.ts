import { context, propagation, SpanKind } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { MemoryTaskQueue } from '../queue/memory-queue.js';
import type { TracingConfig } from './config.js';
import { startTracing, type Tracing } from './setup.js';
import { currentTraceparent, inSpan, traceHeaders, tracingEnabled } from './span.js';

/** Keeps every exported span; the SDK's InMemorySpanExporter forgets them on shutdown. */
class KeepingExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans.push(...spans);
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const config: TracingConfig = {
  endpoint: 'http://unused.invalid',
  headers: {},
  serviceName: 'unit',
  sampler: 'parentbased_always_on',
  ratio: 1,
};
const log = createLogger({ level: 'silent' });
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracing', () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('does nothing while off: no headers, no traceparent, the function alone', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(startTracing(undefined, log)).toBeDefined();
    expect(tracingEnabled()).toBe(false);
    await expect(inSpan('x', (span) => Promise.resolve(span))).resolves.toBeUndefined();
    expect(traceHeaders()).toEqual({});
    expect(currentTraceparent()).toBeUndefined();
  });

  it('carries one trace across a queue: publish, process and the handler under the caller', async () => {
    const exporter = new KeepingExporter();
    tracing = startTracing(config, log, exporter);
    const queue = new MemoryTaskQueue<{ id: string }>();
    const heard: Array<string | undefined> = [];
    await queue.consume(() =>
      inSpan('convert', () => {
        heard.push(currentTraceparent());
        return Promise.resolve();
      }),
    );
    await inSpan('upload', () => queue.publish({ id: 'a' }), {
      kind: SpanKind.SERVER,
      parent: contextOf(TRACEPARENT),
    });
    await queue.drained();
    await queue.close();
    await tracing.shutdown();
    tracing = undefined;

    const byName = new Map(exporter.spans.map((s) => [s.name, s]));
    const [upload, publish, process, convert] = ['upload', 'publish memory', 'process memory', 'convert'].map(
      (name) => byName.get(name)!,
    );
    for (const span of [upload, publish, process, convert])
      expect(span!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(upload!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(publish!.parentSpanContext?.spanId).toBe(upload!.spanContext().spanId);
    expect(process!.parentSpanContext?.spanId).toBe(publish!.spanContext().spanId);
    expect(convert!.parentSpanContext?.spanId).toBe(process!.spanContext().spanId);
    expect([publish!.kind, process!.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);
    expect(process!.attributes).toMatchObject({ 'messaging.system': 'in-process', 'enlarger.attempt': 1 });
    // What the handler would put on its event: the convert span, in the caller's trace.
    expect(heard).toEqual([`00-0af7651916cd43dd8448eb211c80319c-${convert!.spanContext().spanId}-01`]);
  });

  it('records a failure on the span and rethrows it', async () => {
    const exporter = new KeepingExporter();
    tracing = startTracing(config, log, exporter);
    await expect(inSpan('decode', () => Promise.reject(new Error('truncated')))).rejects.toThrow('truncated');
    await tracing.shutdown();
    tracing = undefined;
    expect(exporter.spans[0]).toMatchObject({ name: 'decode', status: { code: 2, message: 'truncated' } });
    expect(exporter.spans[0]!.events.map((e) => e.name)).toEqual(['exception']);
  });
});

function contextOf(traceparent: string) {
  return propagation.extract(context.active(), { traceparent });
}
