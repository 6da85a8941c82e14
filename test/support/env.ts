import { z } from 'zod';

/**
 * Where the integration tests find their infrastructure. `make deps` writes
 * these to .run/test.env and the Makefile exports them; users with their own
 * RabbitMQ, S3 server or cluster set them directly.
 */
const schema = z.object({
  AMQP_URL: z.string().url(),
  RABBITMQ_MANAGEMENT_URL: z.string().url().default('http://guest:guest@127.0.0.1:15672'),
  S3_ENDPOINT: z.string().url(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  KUBECONFIG: z.string().min(1),
  /** The helm binary `make deps` built; optional for users who bring their own infrastructure. */
  HELM: z.string().min(1).optional(),
  /** Where scripts/prometheus.sh cached Debian's prometheus and promtool; optional likewise. */
  PROMETHEUS_DIR: z.string().min(1).optional(),
});

export type TestEnv = z.infer<typeof schema>;

let cached: TestEnv | undefined;

export function testEnv(): TestEnv {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(
      `integration tests need ${names}: run \`make deps\` (or set them to your own infrastructure)`,
    );
  }
  cached = parsed.data;
  return cached;
}

const varnishSchema = z.object({
  VARNISH_URL: z.string().url(),
  /** The varnishd's instance directory (`varnishadm -n`), where tests load their VCL. */
  VARNISH_WORKDIR: z.string().min(1),
});

/** The varnishd scripts/varnish.sh started (`make deps` writes both variables to .run/test.env). */
export function varnishFromEnv(): { url: string; workdir: string } {
  const parsed = varnishSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(
      'the CDN tests need VARNISH_URL and VARNISH_WORKDIR: run `make deps` or `scripts/varnish.sh up`',
    );
  }
  return { url: parsed.data.VARNISH_URL, workdir: parsed.data.VARNISH_WORKDIR };
}

/** A short random suffix so every test gets its own queue, bucket or namespace. */
export const uniqueName = (prefix: string): string => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
