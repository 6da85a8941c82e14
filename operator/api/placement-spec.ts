import { z } from 'zod';

/**
 * The parts of the spec that shape the pods and objects around the services
 * rather than the services themselves: identity, placement, disruption
 * budgets, Services, network policy and the override hatch. Field names follow
 * the Pod API and the charts platform teams already know (cert-manager,
 * prometheus-operator, RabbitmqCluster), so a value copied from one of them
 * means the same thing here.
 */

/** CEL rule attached to an object or list; the apiserver evaluates it. */
const cel = (...rules: Array<{ rule: string; message: string }>) => ({ 'x-kubernetes-validations': rules });

const stringMap = z.record(z.string(), z.string());

/**
 * An object the CRD keeps as written (`x-kubernetes-preserve-unknown-fields`).
 * Used where the real schema is the Pod or Deployment API itself: the
 * apiserver validates the rendered child against its own schema when the
 * operator applies it (after a server-side dry-run, see reconcile/), so the
 * rules are those of the cluster's own version rather than a copy frozen in
 * this CRD.
 */
const opaque = (description: string) =>
  z
    .record(z.string(), z.unknown())
    .meta({ 'x-kubernetes-preserve-unknown-fields': true })
    .describe(description);

const intOrString = z.union([z.int(), z.string()]).meta({ 'x-kubernetes-int-or-string': true });

export const labelSelector = z
  .object({
    matchLabels: stringMap.optional().describe('Labels a selected object must carry, all of them.'),
    matchExpressions: z
      .array(
        z.object({
          key: z.string().min(1).describe('Label key.'),
          operator: z
            .enum(['In', 'NotIn', 'Exists', 'DoesNotExist'])
            .describe('How the key relates to values.'),
          values: z.array(z.string()).optional().describe('Values for In and NotIn.'),
        }),
      )
      .optional()
      .describe('Set-based requirements, all of them.'),
  })
  .describe('A Kubernetes label selector; empty selects everything.');

export const toleration = z.object({
  key: z.string().optional().describe('Taint key; empty with operator Exists tolerates every taint.'),
  operator: z.enum(['Exists', 'Equal']).optional().describe('Exists or Equal (the default).'),
  value: z.string().optional().describe('Taint value, for Equal.'),
  effect: z
    .enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])
    .optional()
    .describe('Taint effect to tolerate; empty means all.'),
  tolerationSeconds: z.int().optional().describe('How long a NoExecute taint is tolerated, in seconds.'),
});

export const topologySpreadConstraint = z.object({
  maxSkew: z.int().min(1).describe('Most pods one topology domain may have above the least loaded one.'),
  topologyKey: z
    .string()
    .min(1)
    .describe('Node label that names the domain, e.g. topology.kubernetes.io/zone.'),
  whenUnsatisfiable: z
    .enum(['DoNotSchedule', 'ScheduleAnyway'])
    .describe('DoNotSchedule leaves a pod Pending; ScheduleAnyway only prefers the spread.'),
  labelSelector: labelSelector.optional().describe("Pods counted; empty means the component's own pods."),
  matchLabelKeys: z
    .array(z.string())
    .optional()
    .describe('Pod label keys whose values narrow the pods counted, e.g. pod-template-hash.'),
  minDomains: z.int().min(1).optional().describe('Fewest domains to spread over (DoNotSchedule only).'),
  nodeAffinityPolicy: z
    .enum(['Honor', 'Ignore'])
    .optional()
    .describe('Whether node affinity limits the domains.'),
  nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).optional().describe('Whether node taints limit the domains.'),
});

/** The placement fields, shared by `spec.pod` and each component. */
const placementFields = {
  nodeSelector: stringMap.optional().describe('Node labels the pods must run on, as in a Pod spec.'),
  tolerations: z.array(toleration).optional().describe('Taints the pods tolerate, as in a Pod spec.'),
  affinity: opaque(
    "Node and pod affinity and anti-affinity, exactly as a Pod spec's `affinity` (`kubectl explain pod.spec.affinity`); the apiserver validates it when the Deployment is applied.",
  ).optional(),
  topologySpreadConstraints: z
    .array(topologySpreadConstraint)
    .optional()
    .describe(
      "How the pods spread over nodes and zones, as in a Pod spec. Unset on media and the resizer: across zones and nodes, maxSkew 1, ScheduleAnyway, counting the component's own pods. [] turns the default off.",
    ),
  priorityClassName: z.string().min(1).optional().describe('PriorityClass of the pods.'),
  podLabels: stringMap
    .optional()
    .describe("Extra pod labels; the operator's own labels win, since Deployment selectors depend on them."),
  podAnnotations: stringMap
    .optional()
    .describe('Extra pod annotations, e.g. for a service mesh or a log agent.'),
};

/** `spec.pod`: placement every component gets unless it sets the field itself. */
export const podDefaultsSpec = z
  .object(placementFields)
  .optional()
  .describe(
    "Pod placement for every component. A component's own value of a field replaces this one; nodeSelector, podLabels and podAnnotations are merged key by key, the component's winning.",
  );

export const placementSpec = placementFields;

export const disruptionBudgetSpec = z
  .object({
    maxUnavailable: intOrString
      .optional()
      .describe(
        'Pods a voluntary disruption (a drain, a node upgrade) may take at once: a count or a percentage. 1 when neither this nor minAvailable is set.',
      ),
    minAvailable: intOrString
      .optional()
      .describe('Or: pods that must stay available, a count or a percentage.'),
  })
  .meta(
    cel({
      rule: '!(has(self.maxUnavailable) && has(self.minAvailable))',
      message: 'set maxUnavailable or minAvailable, not both',
    }),
  )
  .optional()
  .describe(
    'The PodDisruptionBudget, made for a component that can run more than one pod (more than one replica, or an autoscaling maximum above one).',
  );

export const serviceSpec = z
  .object({
    type: z
      .enum(['ClusterIP', 'NodePort', 'LoadBalancer'])
      .default('ClusterIP')
      .describe(
        'Service type. ClusterIP behind an Ingress or Gateway; LoadBalancer for a cloud load balancer.',
      ),
    annotations: stringMap
      .optional()
      .describe('Service annotations, e.g. for the cloud load balancer controller.'),
    loadBalancerSourceRanges: z
      .array(z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/))
      .optional()
      .describe('CIDRs a LoadBalancer Service accepts; empty means any.'),
  })
  .prefault({})
  .meta(
    cel({
      rule: "!has(self.loadBalancerSourceRanges) || self.type == 'LoadBalancer'",
      message: 'loadBalancerSourceRanges needs type LoadBalancer',
    }),
  )
  .describe('The Service in front of the public port.');

const overrideMeta = z
  .object({ labels: stringMap.optional(), annotations: stringMap.optional() })
  .optional()
  .describe('Labels and annotations added to the object.');

const deploymentOverride = z
  .object({
    metadata: overrideMeta,
    spec: opaque(
      'A partial Deployment spec (`kubectl explain deployment.spec`), merged over the rendered one with strategic-merge rules: containers, volumes and env by name, volumeMounts by mountPath, ports by containerPort; `$patch: delete` removes a list item; null removes a field.',
    ).optional(),
  })
  .optional()
  .describe("Merged over the component's Deployment.");

const serviceOverride = z
  .object({
    metadata: overrideMeta,
    spec: opaque(
      'A partial Service spec (`kubectl explain service.spec`), merged over the rendered one with strategic-merge rules: ports by port.',
    ).optional(),
  })
  .optional()
  .describe("Merged over the component's Service.");

/** `spec.<component>.override` for a component with a Service. */
export const overrideWithService = z
  .object({ deployment: deploymentOverride, service: serviceOverride })
  .optional()
  .describe(
    "An escape hatch for fields the ImagePlatform lacks, like RabbitmqCluster's spec.override: a partial Deployment and Service merged over what the operator renders. Validated by the apiserver (a server-side dry-run) before anything is applied.",
  );

/** `spec.converter.override`: the converter has no Service. */
export const overrideDeploymentOnly = z
  .object({ deployment: deploymentOverride })
  .optional()
  .describe(
    'An escape hatch for fields the ImagePlatform lacks: a partial Deployment merged over what the operator renders. Validated by the apiserver (a server-side dry-run) before anything is applied.',
  );

export const serviceAccountSpec = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
      .max(253)
      .optional()
      .describe(
        'ServiceAccount of every pod of the platform. With create false it must exist; with create true it defaults to <platform>-enlarger.',
      ),
    create: z
      .boolean()
      .default(false)
      .describe('Create the ServiceAccount, owned by the platform (deleted with it).'),
    annotations: stringMap
      .optional()
      .describe(
        'Annotations of a created ServiceAccount, e.g. eks.amazonaws.com/role-arn (IRSA) or iam.gke.io/gcp-service-account (GKE Workload Identity).',
      ),
    labels: stringMap.optional().describe('Labels of a created ServiceAccount.'),
    automountServiceAccountToken: z
      .boolean()
      .default(false)
      .describe(
        'Mount a Kubernetes API token in the pods. The services never call the apiserver; IRSA and Pod Identity inject their own token regardless.',
      ),
  })
  .prefault({})
  .meta(
    cel({
      rule: 'self.create || (!has(self.annotations) && !has(self.labels))',
      message: 'annotations and labels apply only to a ServiceAccount the operator creates (create: true)',
    }),
  )
  .describe(
    "The pods' ServiceAccount, how they get cloud credentials without static keys (IRSA, EKS Pod Identity, GKE Workload Identity, AKS Workload Identity). Empty: the namespace's default ServiceAccount.",
  );

const networkPeer = z.object({
  podSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  ipBlock: z
    .object({
      cidr: z.string().min(1).describe('A CIDR, e.g. 10.0.0.0/8.'),
      except: z.array(z.string()).optional().describe('CIDRs inside it that are excluded.'),
    })
    .optional(),
});
const peers = (what: string) => z.array(networkPeer).optional().describe(what);

export const networkPolicySpec = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Render a NetworkPolicy per component; needs a CNI that enforces them (Calico, Cilium, VPC CNI with policies on).',
      ),
    apiFrom: peers(
      'Who may reach the public ports of media and the resizer (Ingress controller, Gateway, CDN ranges as ipBlocks). Empty: nobody.',
    ),
    metricsFrom: peers(
      'Who may scrape the admin ports (probes come from the kubelet, which policies do not block), besides the operator.',
    ),
    operatorFrom: z
      .array(networkPeer)
      .default([
        {
          namespaceSelector: {},
          podSelector: {
            matchLabels: { 'app.kubernetes.io/name': 'enlarger', 'app.kubernetes.io/component': 'operator' },
          },
        },
      ])
      .describe(
        "The operator's pods, which scrape the admin ports to autoscale; the chart's labels in any namespace by default.",
      ),
    egress: z
      .array(
        z.object({
          to: peers('Destinations; empty means any.'),
          ports: z
            .array(
              z.object({
                port: intOrString.optional().describe('Port number or name.'),
                endPort: z.int().optional().describe('Last port of a range.'),
                protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional().describe('TCP unless set.'),
              }),
            )
            .optional()
            .describe('Ports; empty means all.'),
        }),
      )
      .optional()
      .describe(
        'Egress rules, as in a NetworkPolicy. Unset: egress is open. Set: only these, so list DNS, S3 and RabbitMQ.',
      ),
  })
  .prefault({})
  .describe('NetworkPolicies around the platform (opt-in).');

export type PodDefaults = z.output<typeof podDefaultsSpec>;
export type Placement = { [K in keyof typeof placementFields]?: z.output<(typeof placementFields)[K]> };
export type DisruptionBudget = z.output<typeof disruptionBudgetSpec>;
export type ServiceSettings = z.output<typeof serviceSpec>;
export type Override = z.output<typeof overrideWithService>;
export type ServiceAccountSettings = z.output<typeof serviceAccountSpec>;
export type NetworkPolicySettings = z.output<typeof networkPolicySpec>;
