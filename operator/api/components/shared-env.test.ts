import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../fixture.js';
import { component } from './index.js';
import { queueEnv, queueSecrets, tracingEnv, tracingSecrets } from './shared-env.js';

describe('queue settings of media and converter', () => {
  it('renders the queue type and only the URL when no TLS material is referenced', () => {
    const cr = samplePlatform();
    expect(queueEnv(cr)).toEqual({
      QUEUE_KIND: 'amqp',
      QUEUE_NAME: 'enlarger.convert',
      QUEUE_TYPE: 'quorum',
    });
    expect(queueSecrets(cr)).toEqual([
      { name: 'AMQP_URL', secret: 'amqp', key: 'url', field: 'spec.queue.urlSecretRef' },
    ]);
  });

  it('adds the CA and the client certificate and key from their Secrets', () => {
    const cr = samplePlatform({
      queue: {
        urlSecretRef: { name: 'amqp' },
        type: 'classic',
        caSecretRef: { name: 'rabbit-ca' },
        clientCertSecretRef: { name: 'converter-client' },
      },
    });
    expect(queueEnv(cr)).toEqual({
      QUEUE_KIND: 'amqp',
      QUEUE_NAME: 'enlarger.convert',
      QUEUE_TYPE: 'classic',
    });
    expect(queueSecrets(cr)).toEqual([
      { name: 'AMQP_URL', secret: 'amqp', key: 'url', field: 'spec.queue.urlSecretRef' },
      { name: 'AMQP_TLS_CA', secret: 'rabbit-ca', key: 'ca.crt', field: 'spec.queue.caSecretRef' },
      {
        name: 'AMQP_TLS_CERT',
        secret: 'converter-client',
        key: 'tls.crt',
        field: 'spec.queue.clientCertSecretRef',
      },
      {
        name: 'AMQP_TLS_KEY',
        secret: 'converter-client',
        key: 'tls.key',
        field: 'spec.queue.clientCertSecretRef',
      },
    ]);
  });

  it("points at a RabbitmqCluster's Service and takes the credentials from its default-user Secret", () => {
    const cr = samplePlatform({ queue: { rabbitmqClusterRef: { name: 'rabbit' } } });
    expect(queueEnv(cr)).toEqual({
      QUEUE_KIND: 'amqp',
      QUEUE_NAME: 'enlarger.convert',
      QUEUE_TYPE: 'quorum',
      AMQP_URL: 'amqp://rabbit.media-team.svc:5672',
    });
    expect(queueSecrets(cr)).toEqual([
      {
        name: 'AMQP_USERNAME',
        secret: 'rabbit-default-user',
        key: 'username',
        field: 'spec.queue.rabbitmqClusterRef',
      },
      {
        name: 'AMQP_PASSWORD',
        secret: 'rabbit-default-user',
        key: 'password',
        field: 'spec.queue.rabbitmqClusterRef',
      },
    ]);
  });
});

describe('tracing settings of media, converter and resizer', () => {
  it('renders nothing without an endpoint: tracing stays off, headers Secret or not', () => {
    const cr = samplePlatform({ tracing: { headersSecretRef: { name: 'otlp' } } });
    expect(tracingEnv(cr)).toEqual({});
    expect(tracingSecrets(cr)).toEqual([]);
  });

  it("renders the SDK's own variables, parent-based at the spec's ratio, onto all three components", () => {
    const cr = samplePlatform({
      tracing: {
        endpoint: 'http://otel-collector.observability:4318',
        samplerRatio: 0.25,
        headersSecretRef: { name: 'otlp' },
      },
    });
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    };
    const secret = {
      name: 'OTEL_EXPORTER_OTLP_HEADERS',
      secret: 'otlp',
      key: 'headers',
      field: 'spec.tracing.headersSecretRef',
    };
    expect(tracingEnv(cr)).toEqual(env);
    expect(tracingSecrets(cr)).toEqual([secret]);
    for (const name of ['media', 'converter', 'resizer'] as const) {
      const row = component(cr, name);
      expect(row.env).toMatchObject(env);
      expect(row.secretEnv).toContainEqual(secret);
    }
  });

  it('samples every new trace by default', () => {
    const cr = samplePlatform({ tracing: { endpoint: 'https://otlp.vendor.example' } });
    expect(tracingEnv(cr)).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.vendor.example',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1',
    });
  });
});
