{{/* Labels of the Prometheus Operator objects: the chart's, plus those a Prometheus selects by. */}}
{{- define "enlarger.monitoringLabels" -}}
{{ include "enlarger.labels" . }}
{{- with .Values.monitoring.labels }}
{{ toYaml . }}
{{- end }}
{{- end }}
