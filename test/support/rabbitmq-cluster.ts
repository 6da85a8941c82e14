import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/rabbitmq-cluster.sh');

/** Runs scripts/rabbitmq-cluster.sh with `args`; resolves with its stdout's last line. */
async function cluster(...args: string[]): Promise<string> {
  const { stdout } = await run(SCRIPT, args, { timeout: 170_000 });
  return stdout.trim().split('\n').at(-1) ?? '';
}

/**
 * The three-node RabbitMQ cluster of scripts/rabbitmq-cluster.sh (nodes
 * enlarger-q1..3@localhost, never the shared broker).
 */
export const rabbitCluster = {
  /** Starts the cluster (or finds it running); resolves with its AMQP URLs, comma-separated. */
  up: () => cluster('up'),
  down: () => cluster('down'),
  /** The node leading quorum queue `queue`, `enlarger-q2@localhost` say. */
  leader: (queue: string) => cluster('leader', queue),
  /** SIGKILLs node `n` (1-3). */
  kill: (n: number) => cluster('kill', String(n)),
  /** The node number in a node name. */
  nodeNumber: (node: string) => Number(/(\d+)@/.exec(node)?.[1]),
};
