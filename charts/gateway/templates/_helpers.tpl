{{/* Chart name, truncated to the 63 characters Kubernetes allows in a name. */}}
{{- define "gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every resource name: RELEASE-CHART, or RELEASE when it already contains the chart name. */}}
{{- define "gateway.fullname" -}}
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

{{- define "gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every resource of the release. */}}
{{- define "gateway.labels" -}}
helm.sh/chart: {{ include "gateway.chart" . }}
app.kubernetes.io/name: {{ include "gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector of the gateway pods (component distinguishes them from model servers and Redis). */}}
{{- define "gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end -}}

{{/* The gateway image reference. */}}
{{- define "gateway.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* Name of one model server's Deployment and Service; call with (dict "root" $ "name" NAME). */}}
{{- define "gateway.modelServerName" -}}
{{- printf "%s-ms-%s" (include "gateway.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The Secret holding the model servers' API key: modelServerApiKey.secretName, else one the chart creates. */}}
{{- define "gateway.modelServerKeySecret" -}}
{{- .Values.modelServerApiKey.secretName | default (printf "%s-modelserver-key" (include "gateway.fullname" .) | trunc 63 | trimSuffix "-") -}}
{{- end -}}

{{- define "gateway.redisName" -}}
{{- printf "%s-redis" (include "gateway.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
One model server's settings: each key of the entry, else the same key of modelServerDefaults.
Returns JSON; use with fromJson. Call with (dict "root" $ "server" ENTRY).
*/}}
{{- define "gateway.modelServer" -}}
{{- $s := .server -}}
{{- $out := dict "name" (required "each modelServers entry needs a name" $s.name) "model" (required "each modelServers entry needs a model (the GGUF path inside the models volume)" $s.model) -}}
{{- $_ := set $out "replicas" (ternary $s.replicas .root.Values.modelServerDefaults.replicas (hasKey $s "replicas")) -}}
{{- $_ := set $out "image" (ternary $s.image .root.Values.modelServerDefaults.image (hasKey $s "image")) -}}
{{- $_ := set $out "port" (ternary $s.port .root.Values.modelServerDefaults.port (hasKey $s "port")) -}}
{{- $_ := set $out "contextSize" (ternary $s.contextSize .root.Values.modelServerDefaults.contextSize (hasKey $s "contextSize")) -}}
{{- $_ := set $out "parallel" (ternary $s.parallel .root.Values.modelServerDefaults.parallel (hasKey $s "parallel")) -}}
{{- $_ := set $out "gpuLayers" (ternary $s.gpuLayers .root.Values.modelServerDefaults.gpuLayers (hasKey $s "gpuLayers")) -}}
{{- $_ := set $out "gpus" (ternary $s.gpus .root.Values.modelServerDefaults.gpus (hasKey $s "gpus")) -}}
{{- $_ := set $out "args" (ternary $s.args .root.Values.modelServerDefaults.args (hasKey $s "args")) -}}
{{- $_ := set $out "env" (ternary $s.env .root.Values.modelServerDefaults.env (hasKey $s "env")) -}}
{{- $_ := set $out "resources" (ternary $s.resources .root.Values.modelServerDefaults.resources (hasKey $s "resources")) -}}
{{- $_ := set $out "nodeSelector" (ternary $s.nodeSelector .root.Values.modelServerDefaults.nodeSelector (hasKey $s "nodeSelector")) -}}
{{- $_ := set $out "tolerations" (ternary $s.tolerations .root.Values.modelServerDefaults.tolerations (hasKey $s "tolerations")) -}}
{{- $_ := set $out "affinity" (ternary $s.affinity .root.Values.modelServerDefaults.affinity (hasKey $s "affinity")) -}}
{{- $_ := set $out "modelsVolume" (ternary $s.modelsVolume .root.Values.modelServerDefaults.modelsVolume (hasKey $s "modelsVolume")) -}}
{{- $_ := set $out "startupProbe" (ternary $s.startupProbe .root.Values.modelServerDefaults.startupProbe (hasKey $s "startupProbe")) -}}
{{- $_ := set $out "podAnnotations" (ternary $s.podAnnotations .root.Values.modelServerDefaults.podAnnotations (hasKey $s "podAnnotations")) -}}
{{- $_ := set $out "catalog" (ternary $s.catalog .root.Values.modelServerDefaults.catalog (hasKey $s "catalog")) -}}
{{- toJson $out -}}
{{- end -}}
