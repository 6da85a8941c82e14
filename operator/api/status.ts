import { z } from 'zod';
import { ALL_COMPONENTS, COMPONENTS, type Component } from './component-list.js';

/**
 * The ImagePlatform status, written only by the operator. Defined in zod for
 * the same reason as the spec: the CRD's status schema is generated from it.
 */

/** metav1.Condition, field for field. */
export const conditionSchema = z.object({
  type: z
    .string()
    .regex(
      /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
    )
    .max(316)
    .describe('Type of condition in CamelCase: Ready, Progressing or Degraded.'),
  status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition.'),
  observedGeneration: z
    .int()
    .min(0)
    .optional()
    .describe('The .metadata.generation the condition was set for.'),
  lastTransitionTime: z
    .string()
    .meta({ format: 'date-time' })
    .describe('Last time the condition changed from one status to another.'),
  reason: z
    .string()
    .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
    .min(1)
    .max(1024)
    .describe('Programmatic identifier of the reason for the last transition, in CamelCase.'),
  message: z.string().max(32768).describe('Human-readable details about the transition.'),
});

export const componentStatusSchema = z
  .object({
    desired: z.int().min(0).describe('Replicas asked for.'),
    ready: z.int().min(0).describe('Replicas passing their readiness probe.'),
    updated: z.int().min(0).describe('Replicas running the current pod template.'),
    display: z.string().describe('ready/desired, for kubectl get.'),
  })
  .describe('Replicas of one component.');

export const autoscalingTargetStatus = z
  .object({
    currentReplicas: z
      .int()
      .min(0)
      .describe('Replicas the Deployment asked for when the autoscaler last looked.'),
    desiredReplicas: z.int().min(0).describe('Replicas the autoscaler decided on.'),
    lastScaleTime: z
      .string()
      .meta({ format: 'date-time' })
      .optional()
      .describe('When the autoscaler last changed the replica count.'),
    metrics: z
      .array(
        z.object({
          name: z
            .string()
            .describe('p95Milliseconds, queuePerPod, shed, rendersPerPod or backlogPerReplica.'),
          current: z.number().describe('Measured over the last interval.'),
          target: z
            .number()
            .describe(
              'The target from the spec (0 for shed: any shedding scales up; slots per pod for rendersPerPod, shown only).',
            ),
        }),
      )
      .max(8)
      .describe('Each signal the decision read.'),
    decision: z
      .string()
      .max(1024)
      .describe('The last decision in one line: what was measured and what it led to.'),
    conditions: z
      .array(conditionSchema)
      .max(4)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
      .describe(
        'AbleToScale (the last scale write succeeded), ScalingActive (metrics were available) and ScalingLimited (a limit cut the decision), as HPA reports them.',
      ),
  })
  .describe("The operator's autoscaler, for one component.");

/** An object with an optional `schema` under each of `names`: status keys follow the component list. */
function perComponent<N extends Component, S extends z.ZodType>(names: readonly N[], schema: S) {
  const shape = Object.fromEntries(names.map((name) => [name, schema.optional()]));
  return z.object(shape as Record<N, z.ZodOptional<S>>);
}

export const imagePlatformStatus = z
  .object({
    observedGeneration: z.int().min(0).optional().describe('The .metadata.generation this status describes.'),
    conditions: z
      .array(conditionSchema)
      .max(8)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
      .describe('Ready, Progressing and Degraded.'),
    components: perComponent(COMPONENTS, componentStatusSchema)
      .optional()
      .describe(`Replicas of ${ALL_COMPONENTS}.`),
    placement: z
      .object({
        budgets: z
          .string()
          .describe(
            'Per component with a PodDisruptionBudget: evictions it allows now / pods it counts, e.g. "media=1/2 resizer=1/2". 0 means a drain waits.',
          ),
        spread: z
          .string()
          .describe(
            'Per component: the topologies its pods spread over, e.g. "media=zone,node resizer=zone,node"; "-" for none.',
          ),
      })
      .optional()
      .describe('Disruption budgets and spread, for kubectl get -o wide.'),
    autoscaling: z
      .object({ resizer: autoscalingTargetStatus.optional(), converter: autoscalingTargetStatus.optional() })
      .optional()
      .describe("Written by the operator's autoscaler, for each component it scales."),
  })
  .describe('Observed state, written by the operator.');

export type Condition = z.output<typeof conditionSchema>;
export type ComponentStatus = z.output<typeof componentStatusSchema>;
export type ImagePlatformStatus = z.output<typeof imagePlatformStatus>;
export type AutoscalingTargetStatus = z.output<typeof autoscalingTargetStatus>;
