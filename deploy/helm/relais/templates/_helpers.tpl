{{/* The release's name prefix, at most 40 characters so "<prefix>-notification-consumers" fits 63. */}}
{{- define "relais.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "relais.labels" -}}
app.kubernetes.io/name: relais
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
relais.fr/department: {{ .Values.department | quote }}
{{- end -}}

{{- define "relais.selector" -}}
app.kubernetes.io/name: relais
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "relais.tag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{- define "relais.serviceImage" -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.service (include "relais.tag" .) -}}
{{- end -}}

{{- define "relais.gatewayImage" -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.gateway (include "relais.tag" .) -}}
{{- end -}}

{{/* A secret key as an env var: (list "NAME" "key" $) */}}
{{- define "relais.secretEnv" -}}
{{- $root := index . 2 -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.secrets.existingSecret }}
      key: {{ index . 1 }}
{{- end -}}

{{/* What one service's process reads, whatever its role: (dict "root" $ "service" "referral") */}}
{{- define "relais.serviceEnv" -}}
{{- $root := .root -}}
{{- $service := .service -}}
- name: SERVICE
  value: {{ $service }}
{{ include "relais.secretEnv" (list "DATABASE_URL" (printf "%s-database-url" $service) $root) }}
{{- if $root.Values.kafka.sasl }}
{{ include "relais.secretEnv" (list "KAFKA_SASL_USERNAME" (printf "%s-kafka-username" $service) $root) }}
{{ include "relais.secretEnv" (list "KAFKA_SASL_PASSWORD" (printf "%s-kafka-password" $service) $root) }}
{{- end }}
{{- if eq $service "referral" }}
{{ include "relais.secretEnv" (list "REFERRAL_MASTER_KEYS" "referral-master-keys" $root) }}
{{- end }}
{{- if eq $service "diagnostic" }}
{{ include "relais.secretEnv" (list "DIAGNOSTIC_MASTER_KEYS" "diagnostic-master-keys" $root) }}
{{- end }}
{{- if eq $service "directory" }}
- name: DIRECTORY_DEPARTMENT
  value: {{ $root.Values.department | quote }}
{{- end }}
{{- if eq $service "notification" }}
- name: RELAIS_PUBLIC_URL
  value: {{ printf "https://%s" $root.Values.publicHost | quote }}
- name: SMTP_HOST
  value: {{ $root.Values.notification.smtp.host | quote }}
- name: SMTP_PORT
  value: {{ $root.Values.notification.smtp.port | quote }}
- name: SMTP_SECURE
  value: {{ $root.Values.notification.smtp.secure | quote }}
- name: SMTP_USER
  value: {{ $root.Values.notification.smtp.user | quote }}
- name: EMAIL_FROM
  value: {{ $root.Values.notification.smtp.from | quote }}
- name: SMS_API_URL
  value: {{ $root.Values.notification.sms.apiUrl | quote }}
- name: SMS_SENDER
  value: {{ $root.Values.notification.sms.sender | quote }}
- name: SMTP_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $root.Values.secrets.existingSecret }}, key: smtp-password, optional: true }
- name: SMS_API_KEY
  valueFrom:
    secretKeyRef: { name: {{ $root.Values.secrets.existingSecret }}, key: sms-api-key, optional: true }
- name: ACTION_LINK_SIGNING_KEY
  valueFrom:
    secretKeyRef: { name: {{ $root.Values.secrets.existingSecret }}, key: action-link-signing-key, optional: true }
{{- end }}
{{- $own := index $root.Values.services $service | default dict }}
{{- range $name, $value := ($own.env | default dict) }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "relais.podSecurity" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
