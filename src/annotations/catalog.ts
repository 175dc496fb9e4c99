/**
 * Every `vault.hashicorp.com/*` annotation the Vault Agent Injector (vault-k8s 1.7.x, agent-inject/agent/annotations.go)
 * reads, with the value kind it parses. The injector silently ignores any other key, so vsi checks keys itself.
 */
import type {ValueKind, ValueProblem} from './values.js'
import {checkValue} from './values.js'

export const ANNOTATION_PREFIX = 'vault.hashicorp.com/'

/**
 * `pod`: one value per pod. `secret`: `<base>-<NAME>`, one per secret. `pod-and-secret`: both a global form and a
 * per-secret override. `prefix`: `<base>-<param>`, collected into an Agent config map.
 */
export type AnnotationForm = 'pod' | 'secret' | 'pod-and-secret' | 'prefix'

export interface CatalogEntry {
  /** The key without the prefix; for per-secret and prefix forms, the part before `-<NAME>`. */
  base: string
  kind: ValueKind
  form: AnnotationForm
  description: string
  /** A non-blank value of `<base>-<NAME>` creates secret NAME (the others only decorate an existing secret). */
  createsSecret?: boolean
}

export interface AnnotationSpec extends CatalogEntry {
  /** The full key, `vault.hashicorp.com/…`. */
  key: string
  /** The key without the prefix, e.g. `agent-inject-secret-db`. */
  suffix: string
  /** The raw (case-preserved) secret NAME of a per-secret key. */
  secretName?: string
  /** The Agent config parameter of an `auth-config-*` / `agent-telemetry-*` key (dashes become underscores). */
  param?: string
}

const entry = (base: string, kind: ValueKind, description: string, form: AnnotationForm = 'pod'): CatalogEntry => ({
  base,
  kind,
  form,
  description,
})
const secretEntry = (base: string, kind: ValueKind, description: string, createsSecret = false): CatalogEntry => ({
  base,
  kind,
  form: 'secret',
  description,
  ...(createsSecret ? {createsSecret} : {}),
})

/** The 74 annotation constants of vault-k8s, grouped as in its source. */
export const ANNOTATION_CATALOG: readonly CatalogEntry[] = [
  // Control and status
  entry('agent-inject', 'bool', 'Enables injection for the pod (master switch).'),
  entry('agent-inject-status', 'string', 'Set to "injected" by the injector; a pod that already has it is never injected.'),
  entry('agent-request-namespace', 'string', 'Set by the injector: the namespace of the admission request.'),
  entry('agent-configmap', 'string', 'ConfigMap holding config.hcl / config-init.hcl; replaces the generated Agent config.'),
  entry('agent-pre-populate', 'bool', 'Adds the vault-agent-init init container (default true).'),
  entry('agent-pre-populate-only', 'bool', 'Injects only the init container, no sidecar (use for Jobs and CronJobs).'),
  entry('agent-init-first', 'bool', 'Runs vault-agent-init before the pod\'s other init containers.'),
  entry('agent-inject-containers', 'list', 'Comma-separated container names that get the secrets volume (default: all).'),
  // Per secret
  secretEntry('agent-inject-secret', 'vault-path', 'Vault path of secret NAME, rendered by the default template.', true),
  secretEntry('agent-inject-template', 'template', 'Inline consul-template template for secret NAME.', true),
  secretEntry('agent-inject-template-file', 'string', 'Path (in the Agent container) of a template file for secret NAME.', true),
  secretEntry('agent-inject-file', 'file-path', 'File name (and subdirectory) of secret NAME under the secrets volume.'),
  secretEntry('agent-inject-perms', 'octal-mode', 'Octal file mode of the rendered file of secret NAME.'),
  secretEntry('agent-inject-command', 'string', 'Command run in the Agent container after secret NAME is rendered.'),
  secretEntry('agent-template-left-delim', 'string', 'Left delimiter of the template of secret NAME (default "{{").'),
  secretEntry('agent-template-right-delim', 'string', 'Right delimiter of the template of secret NAME (default "}}").'),
  secretEntry('error-on-missing-key', 'bool', 'Fails rendering of secret NAME when the template reads a missing key.'),
  entry('secret-volume-path', 'abs-path', 'Directory the secrets are mounted at (default /vault/secrets); per secret with -NAME.', 'pod-and-secret'),
  entry('preserve-secret-case', 'bool-lenient', 'Keeps the case of secret names in file names (default false); per secret with -NAME.', 'pod-and-secret'),
  // Prefix-collected maps
  entry('auth-config', 'string', 'auth-config-<param>: a parameter of the auto-auth method config (dashes become underscores).', 'prefix'),
  entry('agent-telemetry', 'json-or-string', 'agent-telemetry-<param>: a parameter of the Agent telemetry stanza.', 'prefix'),
  // Agent behaviour, resources, security
  entry('agent-image', 'string', 'Vault image for the injected containers.'),
  entry('agent-inject-default-template', 'template-type', 'Default template type: "map" or "json".'),
  entry('agent-inject-token', 'bool', 'Also writes the Vault token to <secret-volume-path>/token.'),
  entry('agent-extra-secret', 'string', 'Kubernetes Secret mounted at /vault/custom in the Agent containers.'),
  entry('agent-copy-volume-mounts', 'string', 'Container whose volume mounts are copied onto the Agent containers.'),
  entry('agent-limits-cpu', 'quantity', 'CPU limit of the Agent containers (default 500m).'),
  entry('agent-limits-mem', 'quantity', 'Memory limit of the Agent containers (default 128Mi).'),
  entry('agent-limits-ephemeral', 'quantity', 'Ephemeral storage limit of the Agent containers.'),
  entry('agent-requests-cpu', 'quantity', 'CPU request of the Agent containers (default 250m).'),
  entry('agent-requests-mem', 'quantity', 'Memory request of the Agent containers (default 64Mi).'),
  entry('agent-requests-ephemeral', 'quantity', 'Ephemeral storage request of the Agent containers.'),
  entry('agent-revoke-on-shutdown', 'bool', 'Sidecar revokes its token on shutdown.'),
  entry('agent-revoke-grace', 'uint', 'Seconds to wait for the token revocation at shutdown (default 5).'),
  entry('agent-run-as-user', 'int', 'UID of the Agent containers (default 100).'),
  entry('agent-run-as-group', 'int', 'GID of the Agent containers (default 1000).'),
  entry('agent-run-as-same-user', 'bool', 'Runs the Agent with the UID of the first app container.'),
  entry('agent-set-security-context', 'bool', 'Sets a security context on the Agent containers (default true).'),
  entry('agent-share-process-namespace', 'bool', 'Sets shareProcessNamespace on the pod.'),
  entry('agent-service-account-token-volume-name', 'string', 'Projected volume holding the service account token for auth.'),
  entry('agent-cache-enable', 'bool', 'Enables the Agent cache.'),
  entry('agent-cache-use-auto-auth-token', 'cache-token-mode', 'Cache uses the auto-auth token: "true", "false" or "force".'),
  entry('agent-cache-listener-port', 'port', 'Port of the Agent cache listener (default 8200).'),
  entry('agent-cache-exit-on-err', 'bool', 'Agent exits when restoring the persistent cache fails.'),
  entry('agent-enable-quit', 'bool', 'Enables /agent/v1/quit on the cache listener.'),
  entry('agent-auto-auth-exit-on-err', 'bool', 'Agent exits when auto-auth fails.'),
  entry('agent-json-patch', 'json-patch', 'RFC 6902 JSON patch applied to the vault-agent sidecar container.'),
  entry('agent-init-json-patch', 'json-patch', 'RFC 6902 JSON patch applied to the vault-agent-init container.'),
  entry('agent-disable-idle-connections', 'disable-list', 'Agent features without idle connections: auto-auth, caching, templating.'),
  entry('agent-disable-keep-alives', 'disable-list', 'Agent features without keep-alives: auto-auth, caching, templating.'),
  entry('template-config-exit-on-retry-failure', 'bool', 'Agent exits when template rendering exhausts its retries (default true).'),
  entry('template-static-secret-render-interval', 'vault-duration', 'How often static secrets are re-rendered (Agent default 5m).'),
  entry('template-max-connections-per-host', 'int', 'Maximum connections per host for templating.'),
  entry('template-lease-renewal-threshold', 'float', 'Fraction of a lease after which templates re-fetch it.'),
  // Vault connection and auth
  entry('service', 'string', 'Vault address the Agent connects to.'),
  entry('role', 'string', 'Vault role for Kubernetes auth (required unless agent-configmap or auth-config-role is set).'),
  entry('auth-type', 'string', 'Auto-auth method type (default kubernetes).'),
  entry('auth-path', 'auth-path', 'Auth mount path including "auth/" (default auth/kubernetes).'),
  entry('auth-min-backoff', 'duration', 'Minimum auto-auth retry backoff.'),
  entry('auth-max-backoff', 'duration', 'Maximum auto-auth retry backoff.'),
  entry('namespace', 'string', 'Vault Enterprise namespace.'),
  entry('proxy-address', 'string', 'HTTP proxy for the Agent.'),
  entry('tls-skip-verify', 'bool', 'Skips verification of Vault\'s TLS certificate.'),
  entry('tls-secret', 'string', 'Kubernetes Secret with TLS files, mounted at /vault/tls.'),
  entry('tls-server-name', 'string', 'TLS server name used to verify Vault.'),
  entry('ca-cert', 'string', 'Path of the CA certificate for Vault\'s TLS.'),
  entry('ca-key', 'string', 'Path of a CA directory (becomes VAULT_CAPATH).'),
  entry('client-cert', 'string', 'Path of the client certificate for TLS.'),
  entry('client-key', 'string', 'Path of the client key for TLS.'),
  entry('client-max-retries', 'retries', 'Retries on 5xx responses (VAULT_MAX_RETRIES).'),
  entry('client-timeout', 'vault-duration', 'Request timeout to Vault (VAULT_CLIENT_TIMEOUT).'),
  entry('go-max-procs', 'gomaxprocs', 'GOMAXPROCS of the Agent.'),
  entry('log-level', 'log-level', 'Agent log level (default info).'),
  entry('log-format', 'log-format', 'Agent log format: "standard" or "json".'),
]

const BY_BASE = new Map(ANNOTATION_CATALOG.map((item) => [item.base, item]))

/** Keys that stand alone (no `-<NAME>` / `-<param>` part). */
export const POD_ANNOTATION_BASES: readonly string[] = ANNOTATION_CATALOG.filter((item) => item.form === 'pod' || item.form === 'pod-and-secret').map(
  (item) => item.base,
)

/**
 * Per-secret bases in the order a key is matched. The injector tries `agent-inject-template-file-` before
 * `agent-inject-template-`, so `agent-inject-template-file-foo` always means the template file of `foo`.
 */
export const SECRET_ANNOTATION_BASES: readonly string[] = [
  'agent-inject-secret',
  'agent-inject-template-file',
  'agent-inject-template',
  'agent-inject-file',
  'agent-inject-perms',
  'agent-inject-command',
  'agent-template-left-delim',
  'agent-template-right-delim',
  'error-on-missing-key',
  'secret-volume-path',
  'preserve-secret-case',
]

/** Bases whose non-blank value creates a secret, in the order the injector tries them. */
export const SECRET_CREATING_BASES: readonly string[] = SECRET_ANNOTATION_BASES.filter((base) => BY_BASE.get(base)?.createsSecret)

const PREFIX_BASES = ['auth-config', 'agent-telemetry']

/** `vault.hashicorp.com/<base>`. */
export const annotationKey = (base: string): string => `${ANNOTATION_PREFIX}${base}`

/**
 * What the injector makes of `key` (the full key, or the part after `vault.hashicorp.com/`), or undefined when it
 * ignores the key (unknown, misspelt, wrong case, another prefix, or a per-secret key without a NAME).
 */
export function lookupAnnotation(key: string): AnnotationSpec | undefined {
  const suffix = key.startsWith(ANNOTATION_PREFIX) ? key.slice(ANNOTATION_PREFIX.length) : key.includes('/') ? undefined : key
  if (suffix === undefined) return undefined
  const named = {key: annotationKey(suffix), suffix}
  const global = BY_BASE.get(suffix)
  if (global && global.form !== 'secret' && global.form !== 'prefix') return {...global, ...named}
  for (const base of SECRET_ANNOTATION_BASES) {
    if (!suffix.startsWith(`${base}-`)) continue
    const secretName = suffix.slice(base.length + 1)
    if (secretName === '') return undefined
    return {...BY_BASE.get(base)!, form: 'secret', ...named, secretName}
  }
  for (const base of PREFIX_BASES) {
    if (!suffix.startsWith(`${base}-`) || suffix.length === base.length + 1) continue
    return {...BY_BASE.get(base)!, ...named, param: suffix.slice(base.length + 1).replaceAll('-', '_')}
  }
  return undefined
}

/** The raw secret NAME of a per-secret key (`agent-inject-secret-db` gives `db`), or undefined. */
export function secretNameFromKey(key: string): string | undefined {
  return lookupAnnotation(key)?.secretName
}

/** Kubernetes' limit on the name part of an annotation key (after `vault.hashicorp.com/`). */
export const MAX_KEY_NAME_LENGTH = 63

/** Kubernetes' qualified-name rule for that name part (IsQualifiedName, applied to the lower-cased key). */
export const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/

const QUALIFIED_NAME_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

/** Why the API server would reject `key` as an annotation key (apimachinery ValidateAnnotations), or undefined. */
export function annotationKeyProblem(key: string): string | undefined {
  const parts = key.split('/')
  if (parts.length > 2) return `a qualified name may contain at most one "/" (found ${parts.length - 1})`
  const name = parts.at(-1) ?? ''
  if (name === '') return 'name part must be non-empty'
  if (name.length > MAX_KEY_NAME_LENGTH) {
    return `name part must be no more than ${MAX_KEY_NAME_LENGTH} characters (${JSON.stringify(name)} has ${name.length})`
  }
  if (!QUALIFIED_NAME.test(name)) return QUALIFIED_NAME_RULE
  return undefined
}

/** The longest secret NAME that fits `<base>-<NAME>` into the key limit (e.g. 43 for agent-inject-secret). */
export const maxSecretNameLength = (base: string): number => MAX_KEY_NAME_LENGTH - base.length - 1

/** Why NAME cannot be used in `<base>-<NAME>`, or undefined. */
export function secretNameProblem(name: string, base = 'agent-inject-secret'): string | undefined {
  if (name === '') return 'the secret name is empty'
  if (name.length > maxSecretNameLength(base)) {
    return `the secret name ${JSON.stringify(name)} has ${name.length} characters; ${base}-<NAME> allows at most ${maxSecretNameLength(base)}`
  }
  if (!QUALIFIED_NAME.test(`${base}-${name}`)) {
    return `the secret name ${JSON.stringify(name)} may only contain letters, digits, "-", "_" and ".", and must end with a letter or digit`
  }
  return undefined
}

/** Why NAME cannot be a secret name (`agent-inject-secret-<NAME>` must be a valid annotation key), or undefined. */
export const validateSecretName = (name: string): string | undefined => secretNameProblem(name)

/** What is wrong with `value` for the known annotation `key` (rejection, Agent failure or silent default), or undefined. */
export function checkAnnotationValue(key: string, value: string): ValueProblem | undefined {
  const spec = lookupAnnotation(key)
  return spec ? checkValue(spec.kind, value) : undefined
}

/**
 * Why the injector would deny a pod carrying `key: value` (the Go parse error, quoted), or undefined. Values that
 * only fail later in Vault Agent are reported by `checkAnnotationValue`.
 */
export function validateAnnotationValue(key: string, value: string): string | undefined {
  const problem = checkAnnotationValue(key, value)
  if (problem?.outcome !== 'rejected') return undefined
  return `${key} must be ${problem.expected}; ${problem.consequence}: ${problem.reason}`
}

export type {ValueKind, ValueOutcome, ValueProblem} from './values.js'
