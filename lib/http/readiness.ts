import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** A dependency the service needs to do useful work: storage, the queue. */
export interface DependencyCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check: () => Promise<void> | void;
}

export interface DependencyState {
  ok: boolean;
  error?: string;
  checkedAt: string;
}

/**
 * Probes each dependency on an interval and keeps the last answer, so
 * `/readyz` and request handlers can ask "is storage up?" without waiting on
 * a slow or dead backend: a 503 is fast because it never touches the network.
 */
export class ReadinessMonitor {
  private readonly states = new Map<string, DependencyState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly checks: DependencyCheck[],
    private readonly log: Logger,
    private readonly options: { intervalMs: number; timeoutMs: number } = {
      intervalMs: 2_000,
      timeoutMs: 1_500,
    },
  ) {}

  /** Runs the first round of checks, then keeps probing in the background. */
  async start(): Promise<void> {
    await this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** True when every check (or the named one) last passed. Unknown means not ready. */
  ready(name?: string): boolean {
    if (name !== undefined) return this.states.get(name)?.ok ?? false;
    return this.checks.every((c) => this.states.get(c.name)?.ok ?? false);
  }

  snapshot(): Record<string, DependencyState> {
    return Object.fromEntries(this.states);
  }

  /** Records an outage seen by a request, so the next callers fail fast before the next probe. */
  markDown(name: string, err: unknown): void {
    this.record(name, { ok: false, error: messageOf(err), checkedAt: new Date().toISOString() });
  }

  private async probeAll(): Promise<void> {
    await Promise.all(this.checks.map((c) => this.probe(c)));
  }

  private async probe(dep: DependencyCheck): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timeout = setTimeout(
        () => reject(new Error(`no answer in ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
    });
    try {
      await Promise.race([Promise.resolve().then(dep.check), deadline]);
      this.record(dep.name, { ok: true, checkedAt: new Date().toISOString() });
    } catch (err) {
      this.record(dep.name, { ok: false, error: messageOf(err), checkedAt: new Date().toISOString() });
    } finally {
      clearTimeout(timeout);
    }
  }

  private record(name: string, state: DependencyState): void {
    const before = this.states.get(name);
    if (before?.ok !== state.ok) {
      if (state.ok) this.log.info({ dependency: name }, 'dependency up');
      else this.log.warn({ dependency: name, error: state.error }, 'dependency down');
    }
    this.states.set(name, state);
  }
}
