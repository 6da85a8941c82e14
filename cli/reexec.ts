import { spawn } from 'node:child_process';

/**
 * Runs this same command again as a child with `env`, and ends as the child
 * ends: its exit code, or the signal that killed it. SIGTERM and SIGHUP sent
 * to this process are passed on. SIGINT is not: Ctrl-C goes to the
 * terminal's whole foreground process group, the child included, and a
 * second SIGINT would make the child skip its graceful shutdown.
 */
export function runAgain(env: NodeJS.ProcessEnv): Promise<never> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env,
    stdio: 'inherit',
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
