import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missLoad } from '../../test/support/miss-load.js';
import { realPhotosDir } from '../../test/support/photos.js';
import { eventually } from '../../test/support/wait.js';
import { childEnv, kindEnv, previousRelease } from './config.js';
import {
  dropSuiteState,
  examplePlatform,
  kubectl,
  kubectlApply,
  kubectlJson,
  prepareSample,
  REPO,
  signed,
  smallCpu,
  suiteNames,
} from './support.js';
import {
  budgetFloor,
  budgets,
  liveChildren,
  livePods,
  renderedHashes,
  templateHashes,
  type ChildState,
  type PodState,
} from './upgrade-support.js';

// Issue 23's proof on real pods: a platform running under the previous release's operator
// (PREVIOUS_REF, built by its own scripts: test/infra/kind/previous.sh) keeps serving signed
// resizer misses and uploads while `helm upgrade` moves the operator to this tree. What the new
// operator renders differently is found by its own builders (upgrade-support.ts), not listed here:
// children it renders the same must keep their pods; the others roll once, within their budget.

const PLATFORM = 'photos';
const INSTANCE = `app.kubernetes.io/instance=${PLATFORM}`;

interface Condition {
  type: string;
  status: string;
  reason: string;
  lastTransitionTime: string;
}
interface PlatformStatus {
  conditions?: Condition[];
  components?: Record<string, unknown>;
  signedUrls?: unknown;
}

describe('upgrading the operator from the previous release under load', () => {
  const env = { ...kindEnv(), ...previousRelease() };
  const suite = suiteNames('upgrade');
  const { ns, suffix, bucket, queueName } = suite;
  // Named with the chart's name in it, so the release's full name (and its Lease's) is the release's.
  const release = `enlarger-${suffix}`;
  const signingKey = randomBytes(32).toString('hex');
  const operatorSelector = `app.kubernetes.io/instance=${release},app.kubernetes.io/component=operator`;
  const mainOperator = `app.kubernetes.io/instance=${env.RELEASE},app.kubernetes.io/component=operator`;
  let mainReplicas: { name: string; replicas: number }[] = [];
  let media = '';
  let resizerIp = '';

  const helm = (...args: string[]) =>
    execFileSync(env.HELM, args, { env: childEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /**
   * The operator release from `tree` with `image`, watching this suite's namespace only. The CRD is
   * cluster-wide and already belongs to the cluster's main release (from 0.2 the chart renders it as a
   * template), so this second release never renders it: the tree's CRD is applied with kubectl, as 0.1.0's
   * `make helm-install` did, and `crds.enabled=false` keeps Helm off it. Adopting 0.1.0's CRD into a release
   * (`--take-ownership`) is test/integration/chart-crd-upgrade.test.ts's.
   */
  const crdsOf = (tree: string) =>
    [path.join(tree, 'charts/enlarger/crds'), path.join(tree, 'charts/enlarger/files/crds')].find((d) =>
      existsSync(d),
    );
  const install = (tree: string, image: string) => {
    const crds = crdsOf(tree);
    if (crds) {
      kubectl('apply', '--server-side', '--force-conflicts', '-f', crds);
      kubectl('wait', '--for=condition=Established', 'crd/imageplatforms.enlarger.dev', '--timeout=60s');
    }
    const templated = existsSync(path.join(tree, 'charts/enlarger/templates/crds.yaml'));
    const colon = image.lastIndexOf(':');
    helm(
      'upgrade',
      '--install',
      release,
      path.join(tree, 'charts/enlarger'),
      '--namespace',
      ns,
      '--skip-crds',
      ...(templated ? ['--set', 'crds.enabled=false'] : []),
      '--set',
      `image.repository=${image.slice(0, colon)}`,
      '--set',
      `image.tag=${image.slice(colon + 1)}`,
      '--set',
      'image.pullPolicy=Never',
      '--set',
      `watchNamespace=${ns}`,
      '--wait',
      '--timeout',
      '300s',
    );
  };
  const status = () =>
    kubectlJson<{ status?: PlatformStatus }>('-n', ns, 'get', 'imageplatform', PLATFORM).status ?? {};
  /** Reconciles the leader of this suite's release has finished, from its /metrics through the apiserver. */
  const leaderReconciles = () => {
    const holder = kubectl('-n', ns, 'get', 'lease', release, '-o', 'jsonpath={.spec.holderIdentity}');
    const pod = holder.replace(/_[^_]*$/, '');
    const metrics = kubectl('get', '--raw', `/api/v1/namespaces/${ns}/pods/${pod}:8090/proxy/metrics`);
    const done = /^enlarger_operator_reconcile_total\{[^}]*result="done"[^}]*\} (\d+)/m.exec(metrics);
    return { pod, done: Number(done?.[1] ?? 0) };
  };

  /** The previous release's sample, pointed at this suite's bucket and queue, running the previous image. */
  const platform = () => {
    // The platform keeps its image across the operator's upgrade, as a user's would.
    const sample = examplePlatform(suite, { tree: env.PREVIOUS_SRC, image: env.PREVIOUS_IMG });
    sample.spec.media = { ...sample.spec.media, resources: smallCpu('512Mi') };
    sample.spec.converter = { ...sample.spec.converter, resources: smallCpu('1Gi') };
    sample.spec.resizer = { ...sample.spec.resizer, resources: smallCpu('1Gi') };
    return JSON.stringify(sample);
  };

  beforeAll(async () => {
    // One operator per platform: the chart's release of this tree watches every namespace, so it
    // stands aside while this suite's releases own the platform.
    mainReplicas = kubectlJson<{ items: { metadata: { name: string }; spec: { replicas: number } }[] }>(
      '-n',
      env.RELEASE_NAMESPACE,
      'get',
      'deployments',
      '-l',
      mainOperator,
    ).items.map((d) => ({ name: d.metadata.name, replicas: d.spec.replicas }));
    for (const d of mainReplicas)
      kubectl('-n', env.RELEASE_NAMESPACE, 'scale', `deployment/${d.name}`, '--replicas=0');
    await eventually(() => livePods(env.RELEASE_NAMESPACE, mainOperator).length === 0, {
      timeoutMs: 120_000,
      what: "the chart's own operator to stand aside",
    });

    await prepareSample(ns, bucket, signingKey);
    install(env.PREVIOUS_SRC, env.PREVIOUS_IMG);
    kubectlApply(ns, platform());
    kubectl('-n', ns, 'wait', '--for=condition=Ready', `imageplatform/${PLATFORM}`, '--timeout=300s');
    const ip = (svc: string) =>
      kubectl('-n', ns, 'get', 'svc', svc, '-o', 'jsonpath={.spec.clusterIP}').trim();
    media = `http://${ip(`${PLATFORM}-media`)}`;
    resizerIp = ip(`${PLATFORM}-resizer`);
    await eventually(
      async () => (await fetch(`${media}/v1/photos/none`).catch(() => undefined)) !== undefined,
      {
        what: 'the media Service to route',
      },
    );
  });

  afterAll(async () => {
    try {
      helm('uninstall', release, '--namespace', ns, '--wait', '--timeout', '120s');
    } catch {
      // Never installed (beforeAll failed first): nothing to remove.
    }
    kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
    // The chart's CRDs as this tree's release expects them, then its operator back.
    kubectl('apply', '--server-side', '--force-conflicts', '-f', crdsOf(REPO)!);
    for (const d of mainReplicas)
      kubectl('-n', env.RELEASE_NAMESPACE, 'scale', `deployment/${d.name}`, `--replicas=${d.replicas}`);
    await dropSuiteState(bucket, queueName);
  });

  it('keeps serving, keeps unchanged children, rolls changed ones once and carries the status over', async () => {
    const photos = readdirSync(realPhotosDir())
      .filter((n) => /\.jpe?g$/i.test(n))
      .map((n) => path.join(realPhotosDir(), n))
      .sort((a, b) => statSync(a).size - statSync(b).size)
      .slice(0, 3);
    const photoStatus = async (id: string) =>
      ((await (await fetch(`${media}/v1/photos/${id}`)).json()) as { status: string }).status;
    const upload = async (file: string) => {
      const res = await postOnce(`${media}/v1/photos`, readFileSync(file));
      return res.status === 201 ? (JSON.parse(res.body) as { id: string }).id : `failed ${res.status}`;
    };
    const first = await upload(photos[0]!);
    await eventually(async () => (await photoStatus(first)) === 'ready', {
      timeoutMs: 120_000,
      intervalMs: 1000,
      what: 'the first photo to be ready',
    });

    const before = liveChildren(ns, PLATFORM);
    const podsBefore = livePods(ns, INSTANCE);
    const operatorBefore = livePods(ns, operatorSelector);
    const statusBefore = status();
    const deployments = [...before.keys()].filter((k) => k.startsWith('Deployment/')).map((k) => k.slice(11));
    const templatesBefore = new Map(deployments.map((d) => [d, templateHashes(ns, d)]));

    // Signed misses through the resizer Service, as a CDN sends them; an upload every 3 s through media's.
    let requests = 0;
    const failures: string[] = [];
    let started = Date.now();
    const load = missLoad(
      () => [{ name: `${PLATFORM}-resizer`, ip: resizerIp, port: 80 }],
      first,
      4,
      (at, ms, ok, outcome) => {
        requests += 1;
        if (!ok) failures.push(`request ${requests} at ${((at - started) / 1000).toFixed(1)} s: ${outcome}`);
      },
      (pathname, params) => signed(signingKey, pathname, params),
    );
    const uploads: string[] = [];
    const uploader = setInterval(() => {
      void upload(photos[uploads.length % photos.length]!)
        .catch((err: Error) => {
          const at = ((Date.now() - started) / 1000).toFixed(1);
          return `failed at ${at} s: ${(err as NodeJS.ErrnoException).code ?? err.message}`;
        })
        .then((id) => uploads.push(id));
    }, 3000);
    // Fewest Ready pods per component and whether the platform stayed Ready, at every look.
    const fewestReady = new Map<string, number>();
    let platformUnready = 0;
    const watcher = setInterval(() => {
      // A look that fails (the apiserver busy) is skipped; a missing platform fails the test below.
      let pods: PodState[];
      try {
        pods = livePods(ns, INSTANCE);
      } catch {
        return;
      }
      for (const c of new Set([...fewestReady.keys(), ...pods.map((p) => p.component)])) {
        const ready = pods.filter((p) => p.component === c && p.ready).length;
        fewestReady.set(c, Math.min(fewestReady.get(c) ?? Infinity, ready));
      }
      try {
        if (status().conditions?.find((c) => c.type === 'Ready')?.status !== 'True') platformUnready += 1;
      } catch {
        // as above
      }
    }, 1000);

    let helmSeconds: number;
    let reconciledSeconds: number;
    let rendered: Map<string, string>;
    let leader: string;
    try {
      await new Promise((r) => setTimeout(r, 5000));
      started = Date.now();
      install(REPO, env.IMG);
      helmSeconds = (Date.now() - started) / 1000;
      // This tree's operator renders the stored platform as the test does; it has reconciled once its
      // leader counts a finished reconcile and every child carries the hash it renders.
      rendered = renderedHashes(ns, PLATFORM);
      leader = await eventually(
        () => {
          const { pod, done } = leaderReconciles();
          const live = liveChildren(ns, PLATFORM);
          const converged = [...rendered].every(([k, hash]) => live.get(k)?.hash === hash);
          return done > 0 && converged && !operatorBefore.some((p) => p.name === pod) && pod;
        },
        { timeoutMs: 180_000, intervalMs: 1000, what: "this tree's operator to reconcile the platform" },
      );
      reconciledSeconds = (Date.now() - started) / 1000;
      for (const d of deployments)
        kubectl('-n', ns, 'rollout', 'status', `deployment/${d}`, '--timeout=300s');
      // Load on the settled platform too: a late roll would show here.
      await new Promise((r) => setTimeout(r, 10_000));
    } finally {
      clearInterval(watcher);
      clearInterval(uploader);
      await load.stop();
    }

    expect(failures).toEqual([]);
    expect(uploads.filter((id) => id.startsWith('failed'))).toEqual([]);
    for (const id of uploads) {
      await eventually(async () => (await photoStatus(id)) === 'ready', {
        timeoutMs: 120_000,
        intervalMs: 1000,
        what: `upload ${id} to be ready`,
      });
    }

    const after = liveChildren(ns, PLATFORM);
    const podsAfter = livePods(ns, INSTANCE);
    const floors = budgets(ns);
    const report: string[] = [];
    for (const [key, old] of before) {
      const now = after.get(key);
      expect(now, `${key} still exists`).toBeDefined();
      const changed = rendered.get(key) !== old.hash;
      if (!changed) expectUntouched(key, old, now!);
      if (!key.startsWith('Deployment/')) continue;
      const name = key.slice(11);
      const component = name.slice(PLATFORM.length + 1);
      const newTemplates = [...templateHashes(ns, name)].filter((h) => !templatesBefore.get(name)!.has(h));
      const oldPods = podsBefore.filter((p) => p.component === component);
      const kept = oldPods.filter((p) => podsAfter.some((q) => q.uid === p.uid));
      if (!changed || newTemplates.length === 0) {
        // Rendered the same, or only outside the pod template: not one pod replaced.
        expect(kept.length, `${key}: pods kept`).toBe(oldPods.length);
      } else {
        // One new pod template, every pod on it, and never fewer Ready pods than the budget allows.
        expect(newTemplates, `${key}: pod templates added`).toHaveLength(1);
        expect(
          podsAfter.filter((p) => p.component === component).every((p) => p.templateHash === newTemplates[0]),
        ).toBe(true);
        const budget = floors.get(name);
        if (budget)
          expect(fewestReady.get(component)).toBeGreaterThanOrEqual(budgetFloor(budget, oldPods.length));
      }
      report.push(restartLine(component, oldPods, kept, podsAfter, changed, newTemplates.length > 0));
    }
    const operatorAfter = livePods(ns, operatorSelector);
    report.push(
      `operator: ${operatorBefore.filter((p) => !operatorAfter.some((q) => q.uid === p.uid)).length} of ` +
        `${operatorBefore.length} pods replaced (its image ${env.PREVIOUS_IMG} -> ${env.IMG}), leader ${leader}`,
    );

    // Status carried over: every condition the old operator set keeps its status; the platform never
    // stopped being Ready; with nothing rolled, not one condition even moved.
    const statusAfter = status();
    const summary = (s: PlatformStatus) =>
      Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c.status]));
    expect(summary(statusAfter)).toMatchObject(summary(statusBefore));
    expect(platformUnready).toBe(0);
    const rolled = [...before.keys()].some(
      (k) => k.startsWith('Deployment/') && rendered.get(k) !== before.get(k)!.hash,
    );
    if (!rolled) expect(statusAfter.conditions).toEqual(statusBefore.conditions);

    const unchanged = [...before.keys()].filter((k) => rendered.get(k) === before.get(k)!.hash).length;
    console.log(
      `upgrade ${env.PREVIOUS_REF} -> this tree: helm upgrade ${helmSeconds.toFixed(1)} s, reconciled by ` +
        `${reconciledSeconds.toFixed(1)} s; ${requests} signed misses, ${failures.length} failed; ` +
        `${uploads.length} uploads, all ready; ${unchanged} of ${before.size} children rendered the same\n  ` +
        report.join('\n  '),
    );
  });
});

/**
 * POSTs `body` on a connection of its own, closed after the answer. On fetch's pool, an upload every
 * 3 s failed twice in four runs ("fetch failed", once with EPIPE) while media rendered the same: most
 * likely a pooled socket media had just closed at Node's 5 s keep-alive timeout, the pool's timers late
 * behind this suite's synchronous kubectl calls. A fresh connection per upload leaves no such race.
 */
function postOnce(url: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/octet-stream', 'content-length': body.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A child the new operator renders the same was not applied again: same object, same spec. */
function expectUntouched(key: string, old: ChildState, now: ChildState): void {
  expect(now.uid, `${key} uid`).toBe(old.uid);
  expect(now.hash, `${key} desired hash`).toBe(old.hash);
  // Generation moves with spec changes only; kinds without one nobody but the operator writes.
  if (old.generation !== undefined) expect(now.generation, `${key} generation`).toBe(old.generation);
  else expect(now.resourceVersion, `${key} resourceVersion`).toBe(old.resourceVersion);
}

function restartLine(
  component: string,
  oldPods: PodState[],
  kept: PodState[],
  after: PodState[],
  changed: boolean,
  newTemplate: boolean,
): string {
  const restarts = after.reduce((n, p) => n + p.restarts, 0) - kept.reduce((n, p) => n + p.restarts, 0);
  const why = !changed
    ? 'rendered the same (desired hash unchanged)'
    : newTemplate
      ? 'pod template rendered differently (desired hash changed): rolled once'
      : 'rendered differently outside the pod template: applied, not rolled';
  return `${component}: ${oldPods.length - kept.length} of ${oldPods.length} pods replaced, ${Math.max(0, restarts)} container restarts; ${why}`;
}
