import { configDefaults, defineConfig } from 'vitest/config';

// Three tiers. Unit tests sit next to the code and need nothing running.
// Integration tests talk to the real RabbitMQ, S3 server and kube-apiserver
// that `make deps` starts (or that AMQP_URL / S3_ENDPOINT / KUBECONFIG name).
// e2e tests run against a whole cluster: `e2e` against the one in KUBECONFIG,
// `e2e-kind` (e2e/kind/) against real pods on the kind cluster `make kind-up`
// starts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{bench,cli,lib,operator,services}/**/*.test.ts', 'test/support/**/*.test.ts'],
          // A hang guard, not a speed bound: the slowest unit test takes ~7 s
          // on a quiet 2-core machine and past 20 s on one shared with a build.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // The suites share two cores with the servers they test; running
          // files one at a time keeps timings and fault injection predictable.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'e2e/kind/**'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e-kind',
          include: ['e2e/kind/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
