import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { TracesSampler, TracingConfig } from './config.js';
import { setTracingEnabled } from './span.js';

/** The running SDK, or nothing to stop. */
export interface Tracing {
  /** Exports the spans still buffered, then stops; the last step of a shutdown. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { shutdown: () => Promise.resolve() };

/**
 * Starts the OpenTelemetry SDK for this process when `config` says so:
 * spans batched to an OTLP/HTTP receiver, W3C trace context on the wire, and
 * AsyncLocalStorage carrying the active span across awaits. Without a config
 * nothing is registered: the API stays the no-op it ships as, and the
 * wrappers of `span.ts` skip even that.
 *
 * Everything is passed explicitly from the parsed config, so the SDK's own
 * reading of `OTEL_*` finds nothing left to decide. `exporter` replaces the
 * OTLP one in unit tests.
 */
export function startTracing(
  config: TracingConfig | undefined,
  log: Logger,
  exporter?: SpanExporter,
): Tracing {
  if (!config) return OFF;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    sampler: samplerOf(config.sampler, config.ratio),
    spanProcessors: [
      new BatchSpanProcessor(
        exporter ?? new OTLPTraceExporter({ url: `${config.endpoint}/v1/traces`, headers: config.headers }),
      ),
    ],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  setTracingEnabled(true);
  log.info(
    { endpoint: config.endpoint, serviceName: config.serviceName, sampler: config.sampler },
    'tracing to OTLP',
  );
  return {
    async shutdown() {
      setTracingEnabled(false);
      // A receiver that is down must not hold up the exit: the spans are lost, the photo is not.
      await provider
        .shutdown()
        .catch((err: unknown) => log.warn({ err: messageOf(err) }, 'span export failed'));
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function samplerOf(name: TracesSampler, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
