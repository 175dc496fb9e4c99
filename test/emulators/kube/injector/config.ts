/**
 * The Vault Agent configuration the injector generates from a pod's annotations (vault-k8s agent-inject/agent:
 * annotations.go secrets(), config.go newConfig/newTemplateConfigs). It travels base64-encoded in VAULT_CONFIG.
 */
import {parseBool, parseFloat64} from './go.js'

export const PREFIX = 'vault.hashicorp.com/'
export const DEFAULT_VAULT_ADDR = 'http://vault.default.svc:8200'
export const DEFAULT_AUTH_PATH = 'auth/kubernetes'
export const DEFAULT_SECRET_PATH = '/vault/secrets'
export const SA_TOKEN_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount'

export const DEFAULT_MAP_TEMPLATE = '{{ with secret "%s" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}'
export const DEFAULT_JSON_TEMPLATE = '{{ with secret "%s" }}{{ .Data | toJSON }}\n{{ end }}'

export interface AgentTemplate {
  destination: string
  contents?: string
  source?: string
  left_delimiter: string
  right_delimiter: string
  command?: string
  perms?: string
  error_on_missing_key?: boolean
}

export interface AgentConfig {
  auto_auth: {
    method: {type: string; mount_path?: string; min_backoff?: string; max_backoff?: string; namespace?: string; config: Record<string, string>; exit_on_err?: boolean}
    sink: Array<{type: string; config: {path: string}}>
  }
  exit_after_auth: boolean
  pid_file: string
  vault: {address: string; [tls: string]: unknown}
  template?: AgentTemplate[]
  listener?: Array<Record<string, unknown>>
  cache?: Record<string, unknown>
  template_config?: {exit_on_retry_failure: boolean; static_secret_render_interval?: string; max_connections_per_host?: number; lease_renewal_threshold?: number}
  disable_idle_connections?: string[]
  disable_keep_alives?: string[]
  telemetry?: Record<string, unknown>
}

export interface InjectorDefaults {
  vaultAddress: string
  authPath: string
  image: string
  /** The injector container's AGENT_INJECT_* environment, as the chart sets it (subcommand/injector/flags.go parseEnvs). */
  env?: Record<string, string>
}

/** A secret as secrets() collects it: raw name, lower-cased file name, Vault path, template, destination. */
export interface SecretSpec {
  rawName: string
  path: string
  template: string
  templateFile: string
  mountPath: string
  destination: string
}

const PER_SECRET = ['agent-inject-template-file-', 'agent-inject-template-', 'agent-inject-secret-'] as const

/**
 * Go's path.Join (and filepath.Join on Linux): empty elements dropped, then path.Clean — a relative path stays
 * relative ("secrets" + "db" is "secrets/db", "" + "token" is "token"), `..` beyond a relative start is kept.
 */
export function joinPath(...elements: string[]): string {
  const joined = elements.filter((element) => element !== '').join('/')
  if (joined === '') return ''
  const rooted = joined.startsWith('/')
  const parts: string[] = []
  for (const seg of joined.split('/')) {
    if (!seg || seg === '.') continue
    if (seg !== '..') parts.push(seg)
    else if (parts.length && parts.at(-1) !== '..') parts.pop()
    else if (!rooted) parts.push('..')
  }
  const cleaned = (rooted ? '/' : '') + parts.join('/')
  return cleaned || (rooted ? '/' : '.')
}

export function collectSecrets(annotations: Record<string, string>): SecretSpec[] {
  const byRaw = new Map<string, SecretSpec>()
  // Init has filled secret-volume-path; a present "" stays "" (annotationsSecretValue).
  const globalPath = annotations[PREFIX + 'secret-volume-path'] ?? DEFAULT_SECRET_PATH
  const globalPreserve = safeBool(annotations[PREFIX + 'preserve-secret-case'])
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(PREFIX) || !value.trim()) continue
    const suffix = key.slice(PREFIX.length)
    const prefix = PER_SECRET.find((p) => suffix.startsWith(p))
    if (!prefix) continue
    const rawName = suffix.slice(prefix.length)
    if (!rawName || byRaw.has(rawName)) continue
    const preserve = annotations[PREFIX + 'preserve-secret-case-' + rawName] !== undefined ? safeBool(annotations[PREFIX + 'preserve-secret-case-' + rawName]) : globalPreserve
    const name = preserve ? rawName : rawName.toLowerCase()
    const mountPath = annotations[PREFIX + 'secret-volume-path-' + rawName] ?? globalPath
    const file = annotations[PREFIX + 'agent-inject-file-' + rawName]
    byRaw.set(rawName, {
      rawName,
      path: annotations[PREFIX + 'agent-inject-secret-' + rawName] ?? '',
      template: annotations[PREFIX + 'agent-inject-template-' + rawName] ?? '',
      // secrets(): TemplateFile is read only when the inline template is "" (an inline one wins, with no `source`)
      templateFile: annotations[PREFIX + 'agent-inject-template-' + rawName] ? '' : (annotations[PREFIX + 'agent-inject-template-file-' + rawName] ?? ''),
      mountPath,
      destination: file ? joinPath(mountPath, file) : `${mountPath}/${name}`,
    })
  }
  return [...byRaw.values()]
}

function safeBool(v: string | undefined): boolean {
  try {
    return v === undefined ? false : parseBool(v)
  } catch {
    return false
  }
}

/**
 * config.go newConfig, from the annotations as Init completed them (so service and auth-path are always present).
 * Keys come in the order encoding/json writes the Config structs (field order; map keys sorted), so the base64
 * VAULT_CONFIG is byte for byte what vault-k8s 1.7.6 puts in the pod (config.go:24-110, 233-339).
 */
export function buildAgentConfig(annotations: Record<string, string>, init: boolean, tokenPath: string): AgentConfig {
  const a = (suffix: string) => annotations[PREFIX + suffix]
  const on = (suffix: string, fallback = false) => (a(suffix) === undefined ? fallback : parseBool(a(suffix)!))
  const defaultTemplate = (a('agent-inject-default-template') ?? 'map').toLowerCase() === 'json' ? DEFAULT_JSON_TEMPLATE : DEFAULT_MAP_TEMPLATE
  const authConfig: Record<string, string> = {}
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(PREFIX + 'auth-config-')) authConfig[key.slice((PREFIX + 'auth-config-').length).replaceAll('-', '_')] = value
  }
  if (a('role')) authConfig.role = a('role')
  authConfig.token_path ??= tokenPath
  const templates = collectSecrets(annotations).map((s): AgentTemplate => {
    const contents = s.templateFile ? s.template : s.template || defaultTemplate.replace('%s', s.path)
    const command = a('agent-inject-command-' + s.rawName)
    const perms = a('agent-inject-perms-' + s.rawName)
    const missingKey = a('error-on-missing-key-' + s.rawName) ? parseBool(a('error-on-missing-key-' + s.rawName)!) : false
    return {
      destination: s.destination,
      ...(contents ? {contents} : {}),
      left_delimiter: a('agent-template-left-delim-' + s.rawName) || '{{',
      right_delimiter: a('agent-template-right-delim-' + s.rawName) || '}}',
      ...(command ? {command} : {}),
      ...(s.templateFile ? {source: s.templateFile} : {}),
      ...(perms ? {perms} : {}),
      ...(missingKey ? {error_on_missing_key: true} : {}),
    }
  })
  const prePopulateOnly = on('agent-pre-populate-only')
  const cacheEnable = on('agent-cache-enable')
  const persist = cacheEnable && on('agent-pre-populate', true) && !prePopulateOnly
  const listener = [{type: 'tcp', address: `127.0.0.1:${a('agent-cache-listener-port') ?? '8200'}`, tls_disable: true}]
  const useAutoAuthToken = a('agent-cache-use-auto-auth-token') ?? ''
  let cache: Record<string, unknown> | undefined
  let listeners: Array<Record<string, unknown>> | undefined
  if (persist) {
    listeners = listener
    cache = {...(useAutoAuthToken ? {use_auto_auth_token: useAutoAuthToken} : {}), persist: {type: 'kubernetes', path: '/vault/agent-cache', ...(on('agent-cache-exit-on-err') ? {exit_on_err: true} : {})}}
  } else if (cacheEnable && !prePopulateOnly && !init) {
    listeners = listener
    cache = useAutoAuthToken ? {use_auto_auth_token: useAutoAuthToken} : {}
  }
  if (on('agent-enable-quit')) {
    listeners ??= listener
    listeners[0] = {...listeners[0], agent_api: {enable_quit: true}}
    cache ??= {}
  }
  const maxConnections = Number(a('template-max-connections-per-host') ?? 0)
  const leaseRenewal = a('template-lease-renewal-threshold') === undefined ? 0 : parseFloat64(a('template-lease-renewal-threshold')!)
  const list = (suffix: string) => (a(suffix) ? a(suffix)!.split(',') : undefined)
  const telemetry = telemetryConfig(annotations)
  const sorted = (m: Record<string, string>) => Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]))
  return {
    auto_auth: {
      method: {
        type: a('auth-type') ?? 'kubernetes',
        ...(a('auth-path') ? {mount_path: a('auth-path')} : {}),
        ...(a('auth-min-backoff') ? {min_backoff: a('auth-min-backoff')} : {}),
        ...(a('auth-max-backoff') ? {max_backoff: a('auth-max-backoff')} : {}),
        ...(a('namespace') ? {namespace: a('namespace')} : {}),
        config: sorted(authConfig),
        ...(on('agent-auto-auth-exit-on-err') ? {exit_on_err: true} : {}),
      },
      sink: [
        {type: 'file', config: {path: '/home/vault/.vault-token'}},
        // config.go: path.Join(secret-volume-path, "token")
        ...(on('agent-inject-token') ? [{type: 'file', config: {path: joinPath(a('secret-volume-path') ?? '', 'token')}}] : []),
      ],
    },
    exit_after_auth: init,
    pid_file: '/home/vault/.pid',
    vault: {
      address: a('service') ?? '',
      ...(a('ca-cert') ? {ca_cert: a('ca-cert')} : {}),
      ...(a('ca-key') ? {ca_path: a('ca-key')} : {}),
      ...(on('tls-skip-verify') ? {tls_skip_verify: true} : {}),
      ...(a('client-cert') ? {client_cert: a('client-cert')} : {}),
      ...(a('client-key') ? {client_key: a('client-key')} : {}),
      ...(a('tls-server-name') ? {tls_server_name: a('tls-server-name')} : {}),
    },
    ...(templates.length ? {template: templates} : {}),
    ...(listeners ? {listener: listeners} : {}),
    ...(cache ? {cache} : {}),
    template_config: {
      exit_on_retry_failure: on('template-config-exit-on-retry-failure', true),
      ...(a('template-static-secret-render-interval') ? {static_secret_render_interval: a('template-static-secret-render-interval')} : {}),
      ...(maxConnections ? {max_connections_per_host: maxConnections} : {}),
      ...(leaseRenewal ? {lease_renewal_threshold: leaseRenewal} : {}),
    },
    ...(list('agent-disable-idle-connections') ? {disable_idle_connections: list('agent-disable-idle-connections')} : {}),
    ...(list('agent-disable-keep-alives') ? {disable_keep_alives: list('agent-disable-keep-alives')} : {}),
    ...(telemetry ? {telemetry} : {}),
  }
}

/** config.go Telemetry, in struct-field order, with each field's Go type (every field is omitempty). */
const TELEMETRY_FIELDS: Array<[string, 'string' | 'int' | 'bool' | '[]string']> = [
  ['usage_gauge_period', 'string'],
  ['maximum_gauge_cardinality', 'int'],
  ['disable_hostname', 'bool'],
  ['enable_hostname_label', 'bool'],
  ['lease_metrics_epsilon', 'string'],
  ['num_lease_metrics_buckets', 'int'],
  ['add_lease_metrics_namespace_labels', 'bool'],
  ['filter_default', 'bool'],
  ['prefix_filter', '[]string'],
  ['statsite_address', 'string'],
  ['statsd_address', 'string'],
  ['circonus_api_token', 'string'],
  ['circonus_api_app', 'string'],
  ['circonus_api_url', 'string'],
  ['circonus_submission_interval', 'string'],
  ['circonus_submission_url', 'string'],
  ['circonus_check_id', 'string'],
  ['circonus_check_force_metric_activation', 'bool'],
  ['circonus_check_instance_id', 'string'],
  ['circonus_check_search_tag', 'string'],
  ['circonus_check_display_name', 'string'],
  ['circonus_check_tags', 'string'],
  ['circonus_broker_id', 'string'],
  ['circonus_broker_select_tag', 'string'],
  ['dogstatsd_addr', 'string'],
  ['dogstatsd_tags', '[]string'],
  ['prometheus_retention_time', 'string'],
  ['stackdriver_project_id', 'string'],
  ['stackdriver_location', 'string'],
  ['stackdriver_namespace', 'string'],
  ['stackdriver_debug_logs', 'bool'],
]

/** Whether a JSON value (as json.Unmarshal into interface{} made it) decodes into a Go field of this type. */
function fitsGoType(value: unknown, type: (typeof TELEMETRY_FIELDS)[number][1]): boolean {
  if (value === null) return true
  if (type === 'string') return typeof value === 'string'
  if (type === 'bool') return typeof value === 'boolean'
  // json.Marshal writes a float64 integer below 1e21 without exponent; the int decoder then runs strconv.ParseInt.
  if (type === 'int') return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63
  return Array.isArray(value) && value.every((item) => item === null || typeof item === 'string')
}

/**
 * annotations.go telemetryConfig (each agent-telemetry-<param> value JSON-decoded, else kept as a string; dashes in
 * the param become underscores) and config.go newTelemetryConfig: the map is marshalled (keys sorted) and unmarshalled
 * into Telemetry — fields matched exactly or case-insensitively, unknown keys dropped, and any type mismatch makes
 * the whole stanza nil. No agent-telemetry annotation: no stanza.
 */
function telemetryConfig(annotations: Record<string, string>): Record<string, unknown> | undefined {
  const prefix = PREFIX + 'agent-telemetry-'
  const params = new Map<string, unknown>()
  for (const [key, text] of Object.entries(annotations)) {
    if (!key.startsWith(prefix)) continue
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      value = text
    }
    params.set(key.slice(prefix.length).replaceAll('-', '_'), value)
  }
  if (params.size === 0) return undefined
  const fields = new Map<string, unknown>()
  for (const param of [...params.keys()].sort()) {
    const field = TELEMETRY_FIELDS.find(([name]) => name === param) ?? TELEMETRY_FIELDS.find(([name]) => name.toLowerCase() === param.toLowerCase())
    if (!field) continue
    const value = params.get(param)
    if (!fitsGoType(value, field[1])) return undefined
    if (value !== null) fields.set(field[0], Array.isArray(value) ? value.map((item) => item ?? '') : value)
  }
  const empty = (value: unknown) => value === '' || value === 0 || value === false || (Array.isArray(value) && value.length === 0)
  return Object.fromEntries(TELEMETRY_FIELDS.filter(([name]) => fields.has(name) && !empty(fields.get(name))).map(([name]) => [name, fields.get(name)]))
}

export function decodeAgentConfig(env: Array<{name: string; value?: string}> | undefined): AgentConfig | undefined {
  const raw = env?.find((e) => e.name === 'VAULT_CONFIG')?.value
  return raw ? (JSON.parse(Buffer.from(raw, 'base64').toString()) as AgentConfig) : undefined
}
