{{/* The chart name, or nameOverride. */}}
{{- define "ferry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-ferry (or the release name when it already contains the chart name), or fullnameOverride. */}}
{{- define "ferry.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ferry.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ferry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ferry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ferry.labels" -}}
helm.sh/chart: {{ include "ferry.chart" . }}
{{ include "ferry.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "ferry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ferry.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the admin token, the database connection string and the S3 keys. */}}
{{- define "ferry.secretName" -}}
{{- default (include "ferry.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{/* "true" when more than one pod may run at once: several replicas, or an autoscaler. */}}
{{- define "ferry.scaledOut" -}}
{{- if or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled -}}true{{- end -}}
{{- end -}}

{{/* "true" when the data directory holds state that must survive the pod: SQLite or the file store. */}}
{{- define "ferry.usesLocalState" -}}
{{- if or (ne .Values.database.type "postgresql") (not (hasPrefix "s3://" .Values.artifacts.root)) -}}true{{- end -}}
{{- end -}}

{{/*
Refuses a configuration that cannot work, with a message that says what to set. Replicas share nothing but the
database and the artifact store: SQLite and the file store live in one pod's volume, so several replicas need
PostgreSQL and S3.
*/}}
{{- define "ferry.validate" -}}
{{- if include "ferry.scaledOut" . -}}
{{- if ne .Values.database.type "postgresql" -}}
{{- fail (printf "ferry: %s needs PostgreSQL: set database.type=postgresql and database.connectionString (or existingSecret with a \"database\" key); SQLite is one pod's file" (ternary "autoscaling" (printf "replicaCount=%d" (int .Values.replicaCount)) .Values.autoscaling.enabled)) -}}
{{- end -}}
{{- if not (hasPrefix "s3://" .Values.artifacts.root) -}}
{{- fail (printf "ferry: %s needs an S3-compatible artifact store: set artifacts.root=s3://bucket/prefix (and artifacts.s3.*); the file store is one pod's volume" (ternary "autoscaling" (printf "replicaCount=%d" (int .Values.replicaCount)) .Values.autoscaling.enabled)) -}}
{{- end -}}
{{- end -}}
{{- if and (eq .Values.database.type "postgresql") (not .Values.existingSecret) (not .Values.database.connectionString) -}}
{{- fail "ferry: database.type=postgresql needs database.connectionString (Host=...;Database=...;Username=...;Password=...) or existingSecret with a \"database\" key" -}}
{{- end -}}
{{- if and .Values.artifacts.root (not (hasPrefix "s3://" .Values.artifacts.root)) -}}
{{- fail (printf "ferry: artifacts.root must be empty (files in the data volume) or s3://bucket/prefix, not %q" .Values.artifacts.root) -}}
{{- end -}}
{{- if and .Values.adminToken (lt (len .Values.adminToken) 32) -}}
{{- fail "ferry: adminToken must be at least 32 characters (128 bits of randomness); leave it empty to have one generated" -}}
{{- end -}}
{{- end -}}

{{/* The admin token: the value given, else the one the installed Secret already holds, else a fresh random one. */}}
{{- define "ferry.adminToken" -}}
{{- if .Values.adminToken -}}
{{- .Values.adminToken -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "ferry.fullname" .) -}}
{{- if and $existing $existing.data (index $existing.data "admin-token") -}}
{{- index $existing.data "admin-token" | b64dec -}}
{{- else -}}
{{- printf "fry_%s" (randAlphaNum 48) -}}
{{- end -}}
{{- end -}}
{{- end -}}
