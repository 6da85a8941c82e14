import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { components } from '../api/components/index.js';
import { samplePlatform } from '../api/fixture.js';
import { waitingFor } from './components.js';

const rolledOut = (replicas: number, ready = replicas): V1Deployment => ({
  metadata: { generation: 1 },
  spec: { replicas, selector: {}, template: {} },
  status: {
    observedGeneration: 1,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: ready,
    availableReplicas: ready,
  },
});

describe('waitingFor', () => {
  const rows = components(samplePlatform());

  it('is undefined when every component is rolled out', () => {
    const all = { media: rolledOut(2), converter: rolledOut(1), resizer: rolledOut(2) };
    expect(waitingFor(rows, all)).toBeUndefined();
  });

  it('names the components not rolled out, in table order, a missing Deployment at 0 of the spec', () => {
    expect(waitingFor(rows, { media: rolledOut(2), resizer: rolledOut(2, 1) })).toBe(
      'converter 0/1 ready, resizer 1/2 ready',
    );
  });
});
