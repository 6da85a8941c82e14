import { z } from 'zod';
import { envBool, envNumber, envSecret, envUrl } from '../config/parse-env.js';

/** The samplers of the OpenTelemetry spec's `OTEL_TRACES_SAMPLER`, minus the vendor ones (jaeger_remote, xray). */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/** Tracing defaults; the CRD (`operator/api/spec.ts`) reads them too. */
export const TRACING_DEFAULTS = {
  /** The spec's default: follow the caller's decision, sample every root. */
  sampler: 'parentbased_always_on' as TracesSampler,
} as const;

/**
 * The OpenTelemetry SDK's own variables (their names and meaning are the
 * spec's, so a platform team's usual settings work), parsed here like any
 * other setting. Tracing is on only when an endpoint is set.
 */
export const tracingEnvSchema = z.object({
  /** Base URL of an OTLP/HTTP receiver; spans go to `<endpoint>/v1/traces`. Unset: tracing is off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: envUrl().optional(),
  /** `key=value,key2=value2` sent with every export, e.g. a vendor's API key; from a Secret. */
  OTEL_EXPORTER_OTLP_HEADERS: envSecret(
    z
      .string()
      .regex(/^\s*([^=,\s]+\s*=[^,]*)(,\s*[^=,\s]+\s*=[^,]*)*\s*$/, {
        message: 'must be comma-separated key=value pairs',
      })
      .optional(),
  ),
  /** The `service.name` of every span; defaults to the service's own name (media, converter, resizer). */
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(TRACES_SAMPLERS, { message: `must be one of ${TRACES_SAMPLERS.join(', ')}` })
    .default(TRACING_DEFAULTS.sampler),
  /** The ratio of the `traceidratio` samplers, 0 to 1; the spec's default is 1. */
  OTEL_TRACES_SAMPLER_ARG: envNumber({ min: 0, max: 1 }).optional(),
  /** The spec's kill switch: true turns tracing off whatever else is set. */
  OTEL_SDK_DISABLED: envBool().default(false),
});

/** Where spans go and which are kept; undefined when tracing is off. */
export interface TracingConfig {
  endpoint: string;
  headers: Record<string, string>;
  serviceName: string;
  sampler: TracesSampler;
  ratio: number;
}

/** Tracing from parsed env, named `serviceName` unless OTEL_SERVICE_NAME says otherwise; undefined when off. */
export function tracingConfigFromEnv(
  e: z.infer<typeof tracingEnvSchema>,
  serviceName: string,
): TracingConfig | undefined {
  if (!e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_SDK_DISABLED) return undefined;
  return {
    endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ''),
    headers: parseHeaders(e.OTEL_EXPORTER_OTLP_HEADERS ?? ''),
    serviceName: e.OTEL_SERVICE_NAME ?? serviceName,
    sampler: e.OTEL_TRACES_SAMPLER,
    ratio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
  };
}

/** The spec's header list: values are URL-encoded (W3C Baggage octets). */
function parseHeaders(list: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of list.split(',')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}
