import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_MERGE_KEYS, SERVICE_MERGE_KEYS, strategicMerge } from './strategic-merge.js';

const pod = {
  containers: [
    {
      name: 'app',
      image: 'app:1',
      args: ['serve', '--fast'],
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      ports: [
        { name: 'http', containerPort: 8080 },
        { name: 'admin', containerPort: 9090 },
      ],
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    },
  ],
  volumes: [{ name: 'tmp', emptyDir: {} }],
  tolerations: [{ key: 'a', operator: 'Exists' }],
};

describe('strategicMerge', () => {
  it('merges containers, env and volumes by name and volumeMounts by mountPath, appending new items', () => {
    const merged = strategicMerge(
      pod,
      {
        containers: [
          {
            name: 'app',
            env: [
              { name: 'B', value: 'two' },
              { name: 'C', value: '3' },
            ],
            volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
        volumes: [{ name: 'cache', emptyDir: { medium: 'Memory' } }],
      },
      DEPLOYMENT_MERGE_KEYS,
    );
    expect(merged).toEqual({
      containers: [
        {
          name: 'app',
          image: 'app:1',
          args: ['serve', '--fast'],
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: 'two' },
            { name: 'C', value: '3' },
          ],
          ports: [
            { name: 'http', containerPort: 8080 },
            { name: 'admin', containerPort: 9090 },
          ],
          volumeMounts: [
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'cache', mountPath: '/cache' },
          ],
        },
        { name: 'sidecar', image: 'proxy:1' },
      ],
      volumes: [
        { name: 'tmp', emptyDir: {} },
        { name: 'cache', emptyDir: { medium: 'Memory' } },
      ],
      tolerations: [{ key: 'a', operator: 'Exists' }],
    });
  });

  it('replaces lists without a merge key (args, tolerations) and merges container ports by containerPort', () => {
    const merged = strategicMerge(
      pod,
      {
        containers: [{ name: 'app', args: ['serve'], ports: [{ containerPort: 9090, name: 'metrics' }] }],
        tolerations: [{ key: 'b', operator: 'Exists' }],
      },
      DEPLOYMENT_MERGE_KEYS,
    );
    expect(merged.containers[0]?.args).toEqual(['serve']);
    expect(merged.containers[0]?.ports).toEqual([
      { name: 'http', containerPort: 8080 },
      { name: 'metrics', containerPort: 9090 },
    ]);
    expect(merged.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });

  it('deletes a list item with $patch: delete and a field with null, and replaces with $patch: replace', () => {
    const merged = strategicMerge(
      pod,
      {
        containers: [{ name: 'app', image: null, env: [{ name: 'A', $patch: 'delete' }] }],
        volumes: [{ name: 'tmp', $patch: 'delete' }],
      },
      DEPLOYMENT_MERGE_KEYS,
    );
    expect(merged.containers[0]).not.toHaveProperty('image');
    expect(merged.containers[0]?.env).toEqual([{ name: 'B', value: '2' }]);
    expect(merged.volumes).toEqual([]);
    const replaced = strategicMerge(
      { securityContext: { runAsUser: 1, fsGroup: 2 } },
      { securityContext: { $patch: 'replace', runAsUser: 3 } },
      DEPLOYMENT_MERGE_KEYS,
    );
    expect(replaced).toEqual({ securityContext: { runAsUser: 3 } });
  });

  it('merges Service ports by port and leaves its inputs untouched', () => {
    const service = { type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http' }] };
    const before = structuredClone(service);
    const merged = strategicMerge(
      service,
      {
        ports: [
          { port: 80, nodePort: 30080 },
          { name: 'https', port: 443, targetPort: 'http' },
        ],
      },
      SERVICE_MERGE_KEYS,
    );
    expect(merged.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', nodePort: 30080 },
      { name: 'https', port: 443, targetPort: 'http' },
    ]);
    expect(service).toEqual(before);
  });
});
