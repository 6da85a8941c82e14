import { spawn } from 'node:child_process';

/**
 * Runs this same command again as a child with `env`, and ends as the child
 * ends: its exit code, or the signal that killed it. SIGTERM and SIGHUP sent
 * to this process are passed on. SIGINT is not: Ctrl-C goes to the
 * terminal's whole foreground process group, the child included, and a
 * second SIGINT would make the child skip its graceful shutdown. A SIGKILL
 * can't be passed on; the IPC channel to the child is what tells it (see
 * {@link endWithParent}).
 */
export function runAgain(env: NodeJS.ProcessEnv): Promise<never> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  const pass = (signal: NodeJS.Signals) => () => child.kill(signal);
  const forwarded = (['SIGTERM', 'SIGHUP'] as const).map((s) => [s, pass(s)] as const);
  for (const [signal, handler] of forwarded) process.on(signal, handler);
  process.on('SIGINT', () => undefined);
  return new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const [s, handler] of forwarded) process.off(s, handler);
      if (signal) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}

/**
 * In a process started with an IPC channel (the child of {@link runAgain}):
 * shuts down as on SIGTERM when the channel closes. The kernel closes it
 * when the parent dies, however it dies, so a parent killed with SIGKILL
 * (by a test runner, a supervisor, the OOM killer) does not leave the
 * child serving on its ports with nobody to stop it. Polling the parent's
 * pid would notice later and could mistake a reused pid for the parent. The
 * channel is unref'd: it alone keeps nothing running.
 */
export function endWithParent(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
