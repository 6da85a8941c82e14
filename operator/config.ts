import { hostname } from 'node:os';
import { z } from 'zod';
import { commitEnv, packageVersion, type BuildInfo } from '../lib/build/version.js';
import { envBool, envInt, envList, parseEnv } from '../lib/config/parse-env.js';
import { logFormat, logLevel } from '../lib/log/logger.js';

const schema = z.object({
  /** Watch one namespace only (a namespaced install); empty watches all. */
  OPERATOR_WATCH_NAMESPACE: z.string().default(''),
  /**
   * Image repositories an ImagePlatform may run, comma-separated; empty allows
   * any. Whoever may create an ImagePlatform otherwise chooses the image that
   * receives the platform's Secrets.
   */
  OPERATOR_ALLOWED_IMAGE_REPOSITORIES: envList().default([]),
  /** Namespace of the leader-election Lease: the operator's own, injected from the downward API. */
  POD_NAMESPACE: z.string().min(1).default('enlarger-system'),
  POD_NAME: z.string().min(1).default(hostname()),
  OPERATOR_LEASE_NAME: z.string().min(1).default('enlarger-operator'),
  OPERATOR_LEADER_ELECT: envBool().default(true),
  /** Port of /healthz, /readyz and /metrics. */
  OPERATOR_PORT: envInt({ min: 0, max: 65535 }).default(8090),
  /** ImagePlatforms reconciled at once; each one is always handled by one worker at a time. */
  OPERATOR_WORKERS: envInt({ min: 1, max: 64 }).default(4),
  /**
   * Every ImagePlatform is reconciled again this often, even without an event:
   * Secrets are not watched, so this is what rolls pods after a rotation.
   */
  OPERATOR_RESYNC_SECONDS: envInt({ min: 1, max: 86_400 }).default(600),
  LOG_LEVEL: logLevel,
  LOG_FORMAT: logFormat,
  ...commitEnv,
});

export interface OperatorConfig {
  watchNamespace: string | undefined;
  allowedImageRepositories: string[];
  lease: { namespace: string; name: string; enabled: boolean };
  identity: string;
  port: number;
  workers: number;
  resyncMs: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  logFormat: z.infer<typeof schema>['LOG_FORMAT'];
  /** Reported as enlarger_build_info on /metrics. */
  build: BuildInfo;
}

/** Parses the operator's env vars; throws a ConfigError naming each bad variable. */
export function loadOperatorConfig(env: Record<string, string | undefined> = process.env): OperatorConfig {
  const e = parseEnv(schema, env);
  return {
    watchNamespace: e.OPERATOR_WATCH_NAMESPACE || undefined,
    allowedImageRepositories: e.OPERATOR_ALLOWED_IMAGE_REPOSITORIES,
    lease: { namespace: e.POD_NAMESPACE, name: e.OPERATOR_LEASE_NAME, enabled: e.OPERATOR_LEADER_ELECT },
    // The pod name alone is not unique across a fast restart of the same pod.
    identity: `${e.POD_NAME}_${Math.random().toString(36).slice(2, 8)}`,
    port: e.OPERATOR_PORT,
    workers: e.OPERATOR_WORKERS,
    resyncMs: e.OPERATOR_RESYNC_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    build: { version: packageVersion(), commit: e.ENLARGER_COMMIT },
  };
}
