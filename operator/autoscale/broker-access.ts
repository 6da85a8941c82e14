import { queueConfigFromEnv, queueEnvSchema } from '../../lib/queue/config.js';
import type { ComponentRow } from '../api/components/index.js';
import type { BrokerTls } from './queue-backlog.js';

/** Reads one key of a Secret in the platform's namespace. */
export type SecretValue = (namespace: string, name: string, key: string) => Promise<string | undefined>;

/** What the backlog check connects to: the broker's URLs with credentials, TLS material, and the queue. */
export interface BrokerAccess {
  url: string;
  tls: BrokerTls;
  queue: string;
}

/**
 * The broker and queue a row's pods connect to: the queue variables of its
 * env and its Secret-backed env, parsed by the queue's own schema, so the
 * backlog check sees the broker the pods see and reads no Secret the row does
 * not name. Undefined while a Secret or key is missing: the reconciler
 * reports that.
 */
export async function brokerAccess(
  namespace: string,
  row: ComponentRow,
  secretValue: SecretValue,
): Promise<BrokerAccess | undefined> {
  const isQueueVar = (name: string) => name in queueEnvSchema.shape;
  const secrets = row.secretEnv.filter((s) => isQueueVar(s.name));
  const values = await Promise.all(secrets.map((s) => secretValue(namespace, s.secret, s.key)));
  if (values.some((v) => v === undefined)) return undefined;
  const env = {
    ...Object.fromEntries(Object.entries(row.env).filter(([name]) => isQueueVar(name))),
    ...Object.fromEntries(secrets.map((s, i) => [s.name, values[i]])),
  };
  const config = queueConfigFromEnv(queueEnvSchema.parse(env));
  if (config.kind !== 'amqp') return undefined;
  return { url: config.url, tls: config.tls ?? {}, queue: config.queue };
}
