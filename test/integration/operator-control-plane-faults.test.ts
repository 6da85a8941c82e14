import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/env.js';
import {
  controlPlaneBuilt,
  startControlPlane,
  startProxy,
  type ControlPlane,
  type StallableProxy,
} from '../support/control-plane.js';
import { startOperator, type OperatorProcess } from '../support/kube-operator.js';
import { createSecrets, minimal, platformsIn } from '../support/platforms.js';
import { DEFAULT_LEADER_ELECTION } from '../../operator/toolkit/leader-election.js';
import { eventually } from '../support/wait.js';

/**
 * client-go's defaults, which the operator uses: a term ends 10 s after its
 * last renewal; a standby takes the Lease 15 s after it last saw it change,
 * polling every 2 s.
 */
const {
  renewDeadlineMs: RENEW_DEADLINE_MS,
  leaseDurationMs: LEASE_DURATION_MS,
  retryPeriodMs: RETRY_PERIOD_MS,
} = DEFAULT_LEADER_ELECTION;
/** The target: children converge within 3 s of the apiserver being ready again. */
const CONVERGE_MS = 3_000;
/**
 * When the leader's term ended during the outage, a standby may take over only
 * once the Lease has expired by its own clock: a full Lease duration after it
 * first reads the last renewal, which a stopped apiserver answers only on
 * resuming. Comparing renewTime with its own clock would be faster but would
 * trust another machine's clock, which client-go never does.
 */
const HANDOVER_MS = LEASE_DURATION_MS + RETRY_PERIOD_MS + CONVERGE_MS;

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
    const proxies: StallableProxy[] = [];
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
      proxies.push(proxy);
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

    /** Waits until a replica's /readyz answers 200: its caches synced and its Lease requests answered. */
    const ready = async (op: OperatorProcess) => {
      const port = await op.port;
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
        timeoutMs: 30_000,
        what: `${op.identity} ready`,
      });
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
      await Promise.all(proxies.map((p) => p.close()));
      await cp?.stop();
      console.log('fault recovery (ms):', JSON.stringify(measured));
      // Each replica's log, to read its terms and retries when an assertion fails.
      const logs = path.resolve('.run/faults', ns);
      mkdirSync(logs, { recursive: true });
      for (const o of operators) writeFileSync(path.join(logs, `${o.identity}.log`), o.lines.join('\n'));
      console.log('operator logs:', logs);
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
      // It saw the last renewal at most one retry period after the stall, then waited out the Lease.
      expect(measured.standbyTakesOver).toBeLessThanOrEqual(LEASE_DURATION_MS + 2 * RETRY_PERIOD_MS + 1_000);
      const code = await exitOf(a.op);
      expect(code).toBe(1);
      const lost = logTime(linesMatching(a.op, /"lost leadership/)[0]!);
      measured.stalledLeaderStops = lost - stalledAt;
      expect(measured.stalledLeaderStops).toBeLessThanOrEqual(RENEW_DEADLINE_MS + 500);
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
      const c = await replica('op-c');
      await ready(c.op);
      const exitedBefore = exitedAt.size;
      const killedAt = Date.now();
      await cp.killApiserver();
      await new Promise((r) => setTimeout(r, 3_000));
      await cp.startApiserver();
      measured.apiserverOutage = Date.now() - killedAt;
      measured.convergeAfterRestart = await converge();
      // An apiserver that takes longer than the renew deadline to come back (a
      // loaded machine) ends the leader's term: then the standby leads, after the Lease expires.
      const handedOver = exitedAt.size > exitedBefore;
      expect(handedOver || measured.apiserverOutage < RENEW_DEADLINE_MS).toBe(true);
      expect(measured.convergeAfterRestart).toBeLessThanOrEqual(handedOver ? HANDOVER_MS : CONVERGE_MS);
    });

    it('apiserver SIGSTOPped past the renew deadline: the leader exits, the standby turns unready, then leads', async () => {
      // A standby ready to take over (the previous fault may have ended a term, and a process).
      if (operators.filter((o) => !exitedAt.has(o.identity)).length < 2)
        await ready((await replica('op-d')).op);
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
        measured.stoppedLeaderExits = exitedAt.get(leader.identity)! - stoppedAt;
        expect(measured.stoppedLeaderExits).toBeLessThanOrEqual(RENEW_DEADLINE_MS + 1_000);
        await eventually(async () => (await fetch(`http://127.0.0.1:${standbyPort}/readyz`)).status === 503, {
          timeoutMs: 15_000,
          what: 'the standby to report unready',
        });
        measured.standbyUnready = Date.now() - stoppedAt;
      } finally {
        cp.apiserver().kill('SIGCONT');
      }
      const resumedAt = Date.now();
      await standby.waitForLine(/"became leader"/);
      measured.convergeAfterSigcont = await converge(resumedAt);
      expect(measured.convergeAfterSigcont).toBeLessThanOrEqual(HANDOVER_MS);
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
        /enlarger_operator_watch_restarts_total\{[^}]*reason="expired"[^}]*\} [1-9]/,
      );
    });

    it('drift: a deleted Deployment and a scaled one are put back', async () => {
      const { apps } = clients();
      const media = { namespace: ns, name: `${name}-media` };
      const back = (what: string) =>
        eventually(async () => (await apps.readNamespacedDeployment(media)).spec?.replicas === replicas, {
          timeoutMs: 5_000,
          intervalMs: 50,
          what,
        });

      let started = Date.now();
      await apps.deleteNamespacedDeployment(media);
      await back('the deleted Deployment back');
      measured.driftDeletedRepaired = Date.now() - started;
      expect(measured.driftDeletedRepaired).toBeLessThanOrEqual(CONVERGE_MS);

      started = Date.now();
      cp.kubectl('-n', ns, 'scale', `deployment/${media.name}`, `--replicas=${replicas + 3}`);
      await back('the scaled Deployment back');
      measured.driftScaledRepaired = Date.now() - started;
      expect(measured.driftScaledRepaired).toBeLessThanOrEqual(CONVERGE_MS);
    });

    it("no two leadership terms overlapped, by each replica's own log and by the Lease", async () => {
      const terms = operators
        .flatMap((o) => termsOf(o, exitedAt.get(o.identity)))
        .sort((x, y) => x.start - y.start);
      expect(terms.length).toBeGreaterThanOrEqual(3);
      // The Lease's history agrees: one transition per term after the first, held by the last.
      const lease = (await clients().leases.readNamespacedLease({ namespace: ns, name: 'enlarger-operator' }))
        .spec;
      expect(lease?.leaseTransitions).toBe(terms.length - 1);
      expect(lease?.holderIdentity).toMatch(new RegExp(`^${terms.at(-1)!.who}_`));
      expect(new Date(lease!.acquireTime!).getTime()).toBeLessThanOrEqual(terms.at(-1)!.start);
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
