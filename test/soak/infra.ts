import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Ports of the soak's own RabbitMQ and MinIO: away from `make deps` (5672/15672, 9000) and the kind tier. */
export const SOAK_PORTS = {
  amqp: 5783,
  rabbitDist: 25783,
  management: 15783,
  minio: 9310,
  minioConsole: 9311,
};
const S3_USER = 'enlarger-soak';
const S3_PASSWORD = 'enlarger-soak-secret';

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A RabbitMQ node and a MinIO server of the soak's own, started by the
 * project's scripts with another node name, other ports and their data under
 * `runDir`, so the faults (restart, stop) never touch the shared
 * infrastructure of `make deps` that other runs use.
 */
export class SoakInfra {
  readonly amqpUrl: string;
  readonly s3: { endpoint: string; accessKeyId: string; secretAccessKey: string };
  private readonly env: NodeJS.ProcessEnv;

  /** `ports` and `node` differ per harness, so `make soak` and `make soak-memory` can run at once. */
  constructor(
    private readonly repo: string,
    private readonly runDir: string,
    private readonly ports = SOAK_PORTS,
    node = 'enlarger-soak',
  ) {
    this.amqpUrl = `amqp://guest:guest@127.0.0.1:${ports.amqp}`;
    this.s3 = {
      endpoint: `http://127.0.0.1:${ports.minio}`,
      accessKeyId: S3_USER,
      secretAccessKey: S3_PASSWORD,
    };
    this.env = {
      ...process.env,
      // Pid and log files of the scripts' daemons go here, not into the worktree's .run/ next to `make deps`'.
      ENLARGER_RUN_DIR: runDir,
      RABBITMQ_NODENAME: `${node}@localhost`,
      RABBITMQ_NODE_PORT: String(ports.amqp),
      RABBITMQ_DIST_PORT: String(ports.rabbitDist),
      RABBITMQ_MGMT_PORT: String(ports.management),
      RABBITMQ_DIR: path.join(runDir, 'rabbitmq'),
      MINIO_PORT: String(ports.minio),
      MINIO_DATA: path.join(runDir, 'minio'),
      MINIO_ROOT_USER: S3_USER,
      MINIO_ROOT_PASSWORD: S3_PASSWORD,
    };
  }

  private async script(name: string, command: string): Promise<void> {
    await run(path.join(this.repo, 'scripts', name), [command], { env: this.env, cwd: this.repo });
  }

  /** Starts both from empty data dirs; refuses if another process already holds one of the ports. */
  async up(): Promise<void> {
    for (const [what, port] of Object.entries(this.ports)) {
      if (await listening(port)) throw new Error(`port ${port} (${what}) is taken: is another soak running?`);
    }
    await rm(path.join(this.runDir, 'rabbitmq'), { recursive: true, force: true });
    await rm(path.join(this.runDir, 'minio'), { recursive: true, force: true });
    await Promise.all([this.script('rabbitmq.sh', 'up'), this.script('minio.sh', 'up')]);
  }

  /**
   * Shuts the node down and starts it again, as a broker pod restart would;
   * resolves once it answers, with how long its AMQP port was closed (the
   * scripts' own waits, which boot an Erlang VM per check, take longer).
   */
  async restartRabbit(): Promise<number> {
    let closedAt: number | undefined;
    let openedAt: number | undefined;
    let watching = true;
    const watch = (async () => {
      while (watching && openedAt === undefined) {
        const open = await listening(this.ports.amqp);
        if (!open) closedAt ??= Date.now();
        else if (closedAt !== undefined) openedAt = Date.now();
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await this.script('rabbitmq.sh', 'down');
    await this.script('rabbitmq.sh', 'up');
    watching = false;
    await watch;
    return ((openedAt ?? Date.now()) - (closedAt ?? Date.now())) / 1000;
  }

  async stopMinio(): Promise<void> {
    await this.script('minio.sh', 'stop');
  }

  /** Starts MinIO again on the data it had. */
  async startMinio(): Promise<void> {
    await this.script('minio.sh', 'start');
  }

  /** Stops both and removes their data; RabbitMQ's log stays for a look afterwards. */
  async down(): Promise<void> {
    await this.script('rabbitmq.sh', 'down').catch(() => undefined);
    await this.script('minio.sh', 'down').catch(() => undefined);
    await rm(path.join(this.runDir, 'rabbitmq/mnesia'), { recursive: true, force: true });
  }
}
