import { describe, expect, it } from 'vitest';
import { parseEnv } from '../config/parse-env.js';
import { tracingConfigFromEnv, tracingEnvSchema } from './config.js';

const load = (env: Record<string, string>) => tracingConfigFromEnv(parseEnv(tracingEnvSchema, env), 'media');

describe('tracing config', () => {
  it('is off without an endpoint, whatever else is set', () => {
    expect(load({})).toBeUndefined();
    expect(load({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
  });

  it("is off when the SDK's kill switch says so", () => {
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it("takes the spec's defaults and names spans after the service", () => {
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      endpoint: 'http://collector:4318',
      headers: {},
      serviceName: 'media',
      sampler: 'parentbased_always_on',
      ratio: 1,
    });
  });

  it('reads the sampler, its ratio, the service name and URL-encoded headers', () => {
    expect(
      load({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr%3Dt, x-team = photos',
        OTEL_SERVICE_NAME: 'photos-media',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
      }),
    ).toEqual({
      endpoint: 'https://otlp.example',
      headers: { 'api-key': 's3cr=t', 'x-team': 'photos' },
      serviceName: 'photos-media',
      sampler: 'parentbased_traceidratio',
      ratio: 0.1,
    });
  });

  it('names the variable and never repeats the headers, which hold API keys', () => {
    expect(() => load({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(
      'OTEL_TRACES_SAMPLER must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio, got "sometimes"',
    );
    expect(() => load({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      'OTEL_TRACES_SAMPLER_ARG must be a number <= 1',
    );
    expect(() => load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be a URL',
    );
    expect(() => load({ OTEL_EXPORTER_OTLP_HEADERS: 'api-key' })).toThrow(
      'OTEL_EXPORTER_OTLP_HEADERS must be comma-separated key=value pairs, got a value not shown',
    );
  });
});
