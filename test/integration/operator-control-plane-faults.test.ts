import { AppsV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/env.js';
import {
  controlPlaneBuilt,
  startControlPlane,
  startProxy,
  type ControlPlane,
} from '../support/control-plane.js';
import { startOperator, type OperatorProcess } from '../support/kube-operator.js';
import { createSecrets, minimal, platformsIn } from '../support/platforms.js';
import { eventually } from '../support/wait.js';

/** client-go's defaults, which the operator uses: a term ends 10 s after its last renewal. */
const RENEW_DEADLINE_MS = 10_000;
/** The target: children converge within 3 s of the apiserver being ready again. */
const CONVERGE_MS = 3_000;

/** The exit code of an operator that exits by itself (it does when it loses the Lease). */
const exitOf = (op: OperatorProcess) =>
  new Promise<number | null>((resolve) =>
    op.child.exitCode !== null ? resolve(op.child.exitCode) : op.child.once('exit', resolve),
  );
const logTime = (line: string) => Date.parse((JSON.parse(line) as { time: string }).time);
const linesMatching = (op: OperatorProcess, pattern: RegExp) =>
  op.lines.filter((l) => pattern.test(l) && l.startsWith('{'));

/**
 * Each replica's leadership terms from its own log: from "became leader" to
 * "lost leadership" or "released the lease", or to its exit.
 */
function termsOf(op: OperatorProcess, exitedAt: number | undefined) {
  const start = linesMatching(op, /"became leader"/).map(logTime);
  const end = linesMatching(op, /"lost leadership|"released the lease"/).map(logTime);
  return start.map((s, i) => ({ who: op.identity, start: s, end: end[i] ?? exitedAt ?? Infinity }));
}

describe.skipIf(!controlPlaneBuilt())(
  'operator under control-plane faults (its own etcd and apiserver)',
  () => {
    let cp: ControlPlane;
    const ns = uniqueName('faults');
    const name = 'shop';
    const operators: OperatorProcess[] = [];
    const exitedAt = new Map<string, number>();
    const measured: Record<string, number> = {};
    let replicas = 1;

    const clients = () => {
      const kc = cp.kubeConfig();
      return {
        apps: kc.makeApiClient(AppsV1Api),
        core: kc.makeApiClient(CoreV1Api),
        platforms: platformsIn(kc.makeApiClient(CustomObjectsApi), ns),
        leases: kc.makeApiClient(CoordinationV1Api),
      };
    };

    /** Starts a replica behind its own stallable proxy. */
    const replica = async (identity: string) => {
      const proxy = await startProxy(cp.apiserverPort);
      const op = startOperator(ns, identity, { kubeconfig: cp.kubeconfigFile(proxy.url) });
      op.child.once('exit', () => exitedAt.set(identity, Date.now()));
      operators.push(op);
      return { op, proxy };
    };

    /** Changes the media replicas and returns how long until the Deployment has them. */
    const converge = async (from = Date.now()) => {
      const { apps, platforms } = clients();
      replicas = replicas === 1 ? 2 : 1;
      await eventually(
        () => platforms.patch(name, [{ op: 'replace', path: '/spec/media/replicas', value: replicas }]),
        { timeoutMs: 20_000, intervalMs: 100, what: 'the platform patch' },
      );
      await eventually(
        async () =>
          (await apps.readNamespacedDeployment({ namespace: ns, name: `${name}-media` })).spec?.replicas ===
          replicas,
        { timeoutMs: 60_000, intervalMs: 50, what: `${name}-media at ${replicas} replicas` },
      );
      return Date.now() - from;
    };

    const leaderOf = async () =>
      (await clients().leases.readNamespacedLease({ namespace: ns, name: 'enlarger-operator' })).spec
        ?.holderIdentity;

    beforeAll(async () => {
      cp = await startControlPlane();
      cp.kubectl('apply', '--server-side', '-f', 'crds/');
      const { core, platforms } = clients();
      await core.createNamespace({ body: { metadata: { name: ns } } });
      await createSecrets(core, ns);
      await eventually(() => platforms.create(minimal(name, { media: { replicas } })), {
        timeoutMs: 30_000,
        what: 'the CRD to be served',
      });
    }, 120_000);

    afterAll(async () => {
      await Promise.all(operators.map((o) => o.stop('SIGKILL')));
      await cp?.stop();
      console.log('fault recovery (ms):', JSON.stringify(measured));
    });

    it('two replicas, the leader stalled: it stops at its renew deadline, before the standby starts', async () => {
      const a = await replica('op-a');
      await a.op.waitForLine(/"became leader"/);
      const b = await replica('op-b');
      await b.op.waitForLine(/"caches synced"/);
      await converge();

      const stalledAt = Date.now();
      a.proxy.stall();
      await b.op.waitForLine(/"became leader"/);
      measured.standbyTakesOver = Date.now() - stalledAt;
      const code = await exitOf(a.op);
      expect(code).toBe(1);
      const lost = logTime(linesMatching(a.op, /"lost leadership/)[0]!);
      expect(lost - stalledAt).toBeLessThanOrEqual(RENEW_DEADLINE_MS + 500);
      expect(logTime(linesMatching(b.op, /"became leader"/)[0]!)).toBeGreaterThan(lost);
      // Every write of the stalled leader started inside its term.
      for (const applied of linesMatching(a.op, /"applied child"/))
        expect(logTime(applied)).toBeLessThan(lost);
      expect(await leaderOf()).toMatch(/^op-b_/);
      measured.convergeAfterTakeover = await converge();
      expect(measured.convergeAfterTakeover).toBeLessThanOrEqual(CONVERGE_MS);
      a.proxy.resume();
    });

    it('apiserver killed and restarted: converges within 3 s of /readyz', async () => {
      await replica('op-c');
      await cp.killApiserver();
      await new Promise((r) => setTimeout(r, 3_000));
      await cp.startApiserver();
      measured.convergeAfterRestart = await converge();
      expect(measured.convergeAfterRestart).toBeLessThanOrEqual(CONVERGE_MS);
    });

    it('apiserver SIGSTOPped past the renew deadline: the leader exits, the standby turns unready, then leads', async () => {
      const holder = await leaderOf();
      const live = operators.filter((o) => !exitedAt.has(o.identity));
      const leader = live.find((o) => holder?.startsWith(`${o.identity}_`))!;
      const standby = live.find((o) => o !== leader)!;
      const standbyPort = await standby.port;
      cp.apiserver().kill('SIGSTOP');
      const stoppedAt = Date.now();
      try {
        const code = await exitOf(leader);
        expect(code).toBe(1);
        expect(exitedAt.get(leader.identity)! - stoppedAt).toBeLessThanOrEqual(RENEW_DEADLINE_MS + 1_000);
        await eventually(async () => (await fetch(`http://127.0.0.1:${standbyPort}/readyz`)).status === 503, {
          timeoutMs: 15_000,
          what: 'the standby to report unready',
        });
      } finally {
        cp.apiserver().kill('SIGCONT');
      }
      const resumedAt = Date.now();
      await standby.waitForLine(/"became leader"/);
      measured.convergeAfterSigcont = await converge(resumedAt);
      expect(measured.convergeAfterSigcont).toBeLessThanOrEqual(CONVERGE_MS + RENEW_DEADLINE_MS);
      await eventually(async () => (await fetch(`http://127.0.0.1:${standbyPort}/readyz`)).ok, {
        timeoutMs: 10_000,
        what: 'the new leader to report ready',
      });
    });

    it('etcd compacted under a restarted apiserver: watches get 410, re-list, and converge', async () => {
      const live = operators.filter((o) => !exitedAt.has(o.identity));
      await clients().core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'bump' } } });
      await cp.compact();
      await cp.killApiserver();
      await cp.startApiserver();
      measured.convergeAfterCompaction = await converge();
      expect(measured.convergeAfterCompaction).toBeLessThanOrEqual(CONVERGE_MS);
      const metrics = await Promise.all(
        live.map(async (o) => (await fetch(`http://127.0.0.1:${await o.port}/metrics`)).text()),
      );
      expect(metrics.join('\n')).toMatch(
        /enlarger_operator_watch_restarts_total\{[^}]*reason="(expired|unreachable)"[^}]*\} [1-9]/,
      );
    });

    it('drift: a deleted Deployment and a scaled one are put back', async () => {
      const { apps } = clients();
      const started = Date.now();
      await apps.deleteNamespacedDeployment({ namespace: ns, name: `${name}-media` });
      await eventually(
        async () =>
          (await apps.readNamespacedDeployment({ namespace: ns, name: `${name}-media` })).spec?.replicas ===
          replicas,
        { timeoutMs: 5_000, intervalMs: 50, what: 'the deleted Deployment back' },
      );
      measured.driftRepaired = Date.now() - started;
      expect(measured.driftRepaired).toBeLessThanOrEqual(CONVERGE_MS);
    });

    it("no two leadership terms overlapped, by each replica's own log and by the Lease", () => {
      const terms = operators
        .flatMap((o) => termsOf(o, exitedAt.get(o.identity)))
        .sort((x, y) => x.start - y.start);
      expect(terms.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < terms.length; i++)
        expect(terms[i]!.start, `${terms[i]!.who} after ${terms[i - 1]!.who}`).toBeGreaterThan(
          terms[i - 1]!.end,
        );
      for (const op of operators) {
        const own = termsOf(op, exitedAt.get(op.identity));
        for (const applied of linesMatching(op, /"applied child"/).map(logTime))
          expect(
            own.some((t) => applied >= t.start && applied <= t.end),
            `${op.identity} wrote outside its term`,
          ).toBe(true);
      }
    });
  },
);
