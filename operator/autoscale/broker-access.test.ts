import { describe, expect, it } from 'vitest';
import { component } from '../api/components/index.js';
import { samplePlatform } from '../api/fixture.js';
import { brokerAccess, type SecretValue } from './broker-access.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** Secrets by name and key; records every read, so a test can say what was never read. */
function store(secrets: Record<string, Record<string, string>>) {
  const reads: string[] = [];
  const value: SecretValue = (_ns, name, key) => {
    reads.push(`${name}/${key}`);
    return Promise.resolve(secrets[name]?.[key]);
  };
  return { value, reads };
}

describe('brokerAccess', () => {
  it("reads the URL, the queue and the TLS material from the converter row's Secrets", async () => {
    const cr = samplePlatform({
      storage: { bucket: 'photos', credentialsSecretRef: { name: 's3' } },
      queue: {
        urlSecretRef: { name: 'amqp' },
        name: 'photos.convert',
        caSecretRef: { name: 'ca' },
        clientCertSecretRef: { name: 'client' },
      },
    });
    const { value, reads } = store({
      amqp: { url: 'amqps://u:p@mq:5671' },
      ca: { 'ca.crt': PEM },
      client: { 'tls.crt': PEM, 'tls.key': 'key' },
      s3: { accessKeyId: 'a', secretAccessKey: 's' },
    });
    expect(await brokerAccess('media-team', component(cr, 'converter'), value)).toEqual({
      url: 'amqps://u:p@mq:5671',
      tls: { ca: PEM, cert: PEM, key: 'key' },
      queue: 'photos.convert',
    });
    // The storage credentials are the converter's too, but not the broker's.
    expect(reads.filter((r) => r.startsWith('s3/'))).toEqual([]);
  });

  it("puts a RabbitmqCluster's default-user credentials into its Service's URL", async () => {
    const cr = samplePlatform({ queue: { rabbitmqClusterRef: { name: 'rabbit' } } });
    const { value } = store({ 'rabbit-default-user': { username: 'u s', password: 'p@ss' } });
    expect(await brokerAccess('media-team', component(cr, 'converter'), value)).toEqual({
      url: 'amqp://u%20s:p%40ss@rabbit.media-team.svc:5672',
      tls: {},
      queue: 'enlarger.convert',
    });
  });

  it('is undefined while a Secret or key the pods read is missing', async () => {
    const cr = samplePlatform({ queue: { urlSecretRef: { name: 'amqp' }, caSecretRef: { name: 'ca' } } });
    const { value } = store({ amqp: { url: 'amqps://u:p@mq:5671' } });
    expect(await brokerAccess('media-team', component(cr, 'converter'), value)).toBeUndefined();
  });
});
