{{/* The chart's name, overridable with nameOverride. */}}
{{- define "enlarger.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name, which every object is named after. Cluster-scoped
objects (ClusterRole, ClusterRoleBinding) use it too, so two releases never
collide.
*/}}
{{- define "enlarger.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "enlarger.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable across upgrades, so never include the version. */}}
{{- define "enlarger.selectorLabels" -}}
app.kubernetes.io/name: {{ include "enlarger.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "enlarger.labels" -}}
helm.sh/chart: {{ include "enlarger.chart" . }}
{{ include "enlarger.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "enlarger.serviceAccountName" -}}
{{- default (include "enlarger.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "enlarger.leaseName" -}}
{{- default (include "enlarger.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{- define "enlarger.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The operator's rules, exactly those of config/rbac/role.yaml (an integration
test compares them). Bound cluster-wide, or in watchNamespace only.
*/}}
{{- define "enlarger.operatorRules" -}}
- apiGroups: [enlarger.dev]
  resources: [imageplatforms]
  verbs: [get, list, watch]
- apiGroups: [enlarger.dev]
  resources: [imageplatforms/status]
  verbs: [get, patch]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, patch]
- apiGroups: [apps]
  resources: [deployments/scale]
  verbs: [patch]
- apiGroups: ['']
  resources: [pods]
  verbs: [list]
- apiGroups: ['']
  resources: [services, configmaps]
  verbs: [get, list, watch, create, patch]
- apiGroups: ['']
  resources: [serviceaccounts]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: ['']
  resources: [secrets]
  verbs: [get]
- apiGroups: [rabbitmq.com]
  resources: [rabbitmqclusters]
  verbs: [get]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end }}
