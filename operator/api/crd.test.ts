import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CRD_PATH, imagePlatformCrd, renderCrdYaml } from './crd.js';
import { parseImagePlatform } from './imageplatform.js';

const repoFile = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

describe('ImagePlatform CRD', () => {
  it('is committed exactly as generated (run `make manifests` if this fails)', () => {
    expect(repoFile(CRD_PATH)).toBe(renderCrdYaml());
  });

  it('is structural: every schema node has a type or is int-or-string', () => {
    const untyped: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      if (!node.type && !node['x-kubernetes-int-or-string']) untyped.push(path);
      for (const [name, child] of Object.entries(
        (node.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        walk(child, `${path}.${name}`);
      }
      for (const key of ['items', 'additionalProperties'] as const) {
        if (node[key] && typeof node[key] === 'object')
          walk(node[key] as Record<string, unknown>, `${path}[${key}]`);
      }
      if (node.anyOf) untyped.push(`${path} (anyOf)`);
    };
    walk(imagePlatformCrd().spec.versions[0]!.schema.openAPIV3Schema, '');
    expect(untyped).toEqual([]);
  });

  it('parses the documented sample and fills the defaults the apiserver would', () => {
    const sample = parse(repoFile('examples/imageplatform.yaml')) as { metadata: object; spec: unknown };
    const platform = parseImagePlatform({
      ...sample,
      metadata: { ...sample.metadata, namespace: 'ns', uid: 'u' },
    });
    expect(platform.spec.storage.bucket).toBe('photos');
    // The webhook stays off until a site sets one: it needs a Secret the sample cannot create.
    expect(platform.spec.events).toEqual({ exchange: 'enlarger.events' });
    expect(platform.spec.media.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '512Mi' },
    });
    expect(platform.spec.resizer.autoscaling).toEqual({
      enabled: false,
      minReplicas: 2,
      maxReplicas: 10,
      targetP95Milliseconds: 180,
      targetQueueDepth: 4,
      intervalSeconds: 15,
      scaleUp: { percent: 100, pods: 4, periodSeconds: 15 },
      scaleDown: { stabilizationSeconds: 300 },
    });
  });
  it('parses the production-shaped EKS example', () => {
    const eks = parse(repoFile('examples/imageplatform-eks.yaml')) as { metadata: object; spec: unknown };
    const platform = parseImagePlatform({ ...eks, metadata: { ...eks.metadata, namespace: 'ns', uid: 'u' } });
    expect(platform.spec.serviceAccount).toMatchObject({ create: true, automountServiceAccountToken: false });
    expect(platform.spec.resizer.service.type).toBe('LoadBalancer');
  });
});
