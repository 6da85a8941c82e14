import type { Options } from 'amqplib';

/** The brokers of an AMQP_URL, which may list several nodes of one cluster separated by commas. */
export function splitAmqpUrls(value: string): string[] {
  return value
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
}

/** Why `url` cannot be connected to, or undefined when it can. */
export function amqpUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${redact(url)}" is not a URL`;
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
    return `"${redact(url)}" must start with amqp:// or amqps://`;
  }
  if (!parsed.hostname) return `"${redact(url)}" has no host`;
  return undefined;
}

/** `url` without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/** The object form of one URL, as amqplib's `connect` reads it. */
function connectOptions(url: string): Options.Connect {
  const parts = new URL(url);
  const query = parts.searchParams;
  const number = (key: string) => (query.has(key) ? Number(query.get(key)) : undefined);
  return {
    protocol: parts.protocol.replace(/:$/, ''),
    hostname: parts.hostname.replace(/^\[|\]$/g, ''),
    port: parts.port ? Number(parts.port) : parts.protocol === 'amqps:' ? 5671 : 5672,
    username: decodeURIComponent(parts.username || 'guest'),
    password: decodeURIComponent(parts.password || (parts.username ? '' : 'guest')),
    // amqplib unescapes the vhost itself; an empty one means "/".
    vhost: parts.pathname.slice(1),
    heartbeat: number('heartbeat'),
    frameMax: number('frameMax'),
    channelMax: number('channelMax'),
  };
}

/**
 * The brokers to connect to, in turn. amqplib's recovering connection
 * reconnects to the one address it was given, but reads the fields of an
 * object address afresh on every attempt; {@link address} is such an object
 * whose fields follow the current broker, and {@link advance} moves on to the
 * next one when a connection fails or drops.
 */
export class AmqpEndpoints {
  private readonly all: Options.Connect[];
  private index = 0;

  constructor(urls: readonly string[]) {
    const problems = urls.map(amqpUrlProblem).filter((p) => p !== undefined);
    if (urls.length === 0) throw new Error('AMQP URL: no broker given');
    if (problems.length > 0) throw new Error(`AMQP URL: ${problems.join('; ')}`);
    this.all = urls.map(connectOptions);
  }

  get current(): Options.Connect {
    return this.all[this.index]!;
  }

  /** `host:port` of the current broker, for logs. */
  get label(): string {
    return `${this.current.hostname}:${this.current.port}`;
  }

  get count(): number {
    return this.all.length;
  }

  advance(): void {
    this.index = (this.index + 1) % this.all.length;
  }

  /** An address for amqplib whose every field reads the current broker. */
  address(): Options.Connect {
    const keys = [
      'protocol',
      'hostname',
      'port',
      'username',
      'password',
      'vhost',
      'heartbeat',
      'frameMax',
      'channelMax',
    ] as const;
    const fields = keys.map((key) => [key, { enumerable: true, get: () => this.current[key] }]);
    return Object.defineProperties({}, Object.fromEntries(fields) as PropertyDescriptorMap);
  }
}

/**
 * Exponential backoff with ±`jitter` spread, never above `maxMs`: the base is
 * capped at `maxMs / (1 + jitter)` so that the jittered value stays under the
 * cap without piling up on it.
 */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, jitter = 0.2): number {
  const base = Math.min(maxMs / (1 + jitter), initialMs * 2 ** (attempt - 1));
  return Math.max(0, Math.round(base + (Math.random() * 2 - 1) * base * jitter));
}
