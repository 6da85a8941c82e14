import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../fixture.js';
import { queueEnv, queueSecrets } from './shared-env.js';

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
