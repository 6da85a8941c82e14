import { CLIENT_CERT_KEYS, rabbitmqClusterUrl } from '../api/components/shared-env.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { rabbitmqClusterChildren } from '../api/names.js';
import type { BrokerTls } from './queue-backlog.js';

/** Reads one key of a Secret in the platform's namespace. */
export type SecretValue = (namespace: string, name: string, key: string) => Promise<string | undefined>;

/**
 * The URL (with credentials) and TLS material the platform's pods connect
 * with, read from the same Secrets, so the backlog check sees the broker they
 * see. Undefined while a Secret or key is missing: the reconciler reports that.
 */
export async function brokerAccess(
  cr: ImagePlatform,
  secretValue: SecretValue,
): Promise<{ url: string; tls: BrokerTls } | undefined> {
  const { namespace } = cr.metadata;
  const { urlSecretRef, rabbitmqClusterRef, caSecretRef: ca, clientCertSecretRef: client } = cr.spec.queue;
  const read = (name: string | undefined, key: string) =>
    name ? secretValue(namespace, name, key) : Promise.resolve(undefined);
  const tls: BrokerTls = {
    ca: await read(ca?.name, ca?.key ?? ''),
    cert: await read(client?.name, CLIENT_CERT_KEYS.cert),
    key: await read(client?.name, CLIENT_CERT_KEYS.key),
  };
  if (urlSecretRef) {
    const url = await read(urlSecretRef.name, urlSecretRef.key);
    return url ? { url, tls } : undefined;
  }
  if (!rabbitmqClusterRef) return undefined;
  const { secret, keys } = rabbitmqClusterChildren(rabbitmqClusterRef.name);
  const [username, password] = [await read(secret, keys.username), await read(secret, keys.password)];
  if (!username || !password) return undefined;
  const url = new URL(rabbitmqClusterUrl(namespace, rabbitmqClusterRef.name));
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);
  return { url: url.toString(), tls };
}
