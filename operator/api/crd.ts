import { stringify } from 'yaml';
import { GROUP, KIND, PLURAL, VERSION } from './imageplatform.js';
import { toStructuralSchema, type JsonSchema } from './openapi.js';
import { COMPONENTS, type Component } from './names.js';
import { imagePlatformSpec } from './spec.js';
import { imagePlatformStatus } from './status.js';

/** Where `make manifests` writes the CRD, relative to the repository root. */
export const CRD_PATH = 'crds/enlarger.dev_imageplatforms.yaml';

/** A `kubectl get` column per component: its ready/desired pods. */
const componentColumn = (name: Component) => ({
  name: name[0]!.toUpperCase() + name.slice(1),
  type: 'string',
  description: `Ready/desired ${name} pods.`,
  jsonPath: `.status.components.${name}.display`,
});

/** A CRD in wire format, ready to serialise. */
export interface CrdManifest {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    versions: Array<{ name: string; schema: { openAPIV3Schema: JsonSchema } } & JsonSchema>;
  } & JsonSchema;
}

/** The ImagePlatform CustomResourceDefinition, built from the zod schemas. */
export function imagePlatformCrd(): CrdManifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: KIND.toLowerCase(),
        shortNames: ['imgp'],
        categories: ['enlarger'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            {
              name: 'Ready',
              type: 'string',
              description: 'Whether every component has all its pods ready.',
              jsonPath: '.status.conditions[?(@.type=="Ready")].status',
            },
            ...COMPONENTS.map(componentColumn),
            {
              name: 'P95',
              type: 'integer',
              description: "The resizer's p95 latency of renders over the autoscaler's last interval, ms.",
              jsonPath: '.status.autoscaling.resizer.metrics[?(@.name=="p95Milliseconds")].current',
            },
            {
              name: 'Budgets',
              type: 'string',
              priority: 1,
              description: 'Evictions each PodDisruptionBudget allows now / pods it counts.',
              jsonPath: '.status.placement.budgets',
            },
            {
              name: 'Spread',
              type: 'string',
              priority: 1,
              description: 'Topologies each component spreads its pods over.',
              jsonPath: '.status.placement.spread',
            },
            {
              name: 'Reason',
              type: 'string',
              priority: 1,
              description: 'Why the platform is or is not ready.',
              jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
            },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              description:
                'An image platform: the media upload API, the converter and the resizer, configured from one object.',
              type: 'object',
              properties: {
                apiVersion: { type: 'string', description: 'Versioned schema of this object.' },
                kind: { type: 'string', description: 'Kind of this object.' },
                metadata: { type: 'object' },
                spec: toStructuralSchema(imagePlatformSpec),
                status: toStructuralSchema(imagePlatformStatus),
              },
              required: ['spec'],
              'x-kubernetes-validations': [
                {
                  // Children are named <name>-converter and Services need DNS-1035 labels of at most 63 characters.
                  rule: "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 50",
                  message:
                    'metadata.name must start with a letter, contain only lowercase letters, digits and dashes, and be at most 50 characters long',
                },
              ],
            },
          },
        },
      ],
    },
  };
}

/** The CRD as committed in {@link CRD_PATH}. */
export function renderCrdYaml(): string {
  const header = '# Generated from operator/api/ by `make manifests`. Do not edit.\n';
  return header + stringify(imagePlatformCrd(), { lineWidth: 0 });
}
