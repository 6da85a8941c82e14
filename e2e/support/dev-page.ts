import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { freePort, killAndWait } from '../../test/support/processes.js';
import { eventually } from '../../test/support/wait.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `enlarger dev` as `make dev` runs it, on a temp data dir and free ports. */
export interface DevProcess {
  mediaUrl: string;
  resizerUrl: string;
  stop(): Promise<void>;
}

/** Starts the compiled `enlarger dev` (run `make build` first) and resolves once media and the resizer are ready. */
export async function startDev(env: Record<string, string> = {}): Promise<DevProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'enlarger-dev-page-'));
  const [media, mediaAdmin, resizer, resizerAdmin] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const child = spawn(process.execPath, [path.join(REPO, 'dist/cli/main.js'), 'dev'], {
    cwd: REPO,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      MEDIA_PORT: String(media),
      MEDIA_ADMIN_PORT: String(mediaAdmin),
      RESIZER_PORT: String(resizer),
      RESIZER_ADMIN_PORT: String(resizerAdmin),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const admin of [mediaAdmin, resizerAdmin]) {
    await eventually(async () => (await fetch(`http://127.0.0.1:${admin}/readyz`)).ok, {
      timeoutMs: 30_000,
      what: 'enlarger dev ready',
    });
  }
  return {
    // localhost, as `make dev` prints it and as the page's resizer URLs say.
    mediaUrl: `http://localhost:${media}`,
    resizerUrl: `http://localhost:${resizer}`,
    async stop() {
      await killAndWait(child, 'SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's chromium (scripts/chromium.sh installs it when missing), driven by
 * playwright-core: no browser download. Root needs --no-sandbox; the
 * background-networking flags keep it from dialling Google on a closed network.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = execFileSync(path.join(REPO, 'scripts/chromium.sh'), { encoding: 'utf8' }).trim();
  return chromium.launch({
    executablePath,
    headless: true,
    chromiumSandbox: false,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Where the test saves its screenshots: DEV_PAGE_SCREENSHOTS (`make
 * dev-screenshots` points it at docs/), else .run/, out of git.
 */
export function screenshotDir(): string {
  return path.resolve(REPO, process.env.DEV_PAGE_SCREENSHOTS ?? '.run');
}
