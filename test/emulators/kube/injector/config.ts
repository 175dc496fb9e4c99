/**
 * The Vault Agent configuration the injector generates from a pod's annotations (vault-k8s agent-inject/agent:
 * annotations.go secrets(), config.go newConfig/newTemplateConfigs). It travels base64-encoded in VAULT_CONFIG.
 */
import {parseBool} from './go.js'

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
    method: {type: string; mount_path: string; namespace?: string; config: Record<string, string>}
    sink: Array<{type: string; config: {path: string}}>
  }
  exit_after_auth: boolean
  pid_file: string
  vault: {address: string}
  template?: AgentTemplate[]
  template_config?: {exit_on_retry_failure: boolean}
}

export interface InjectorDefaults {
  vaultAddress: string
  authPath: string
  image: string
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

function joinPath(dir: string, file: string): string {
  const parts: string[] = []
  for (const seg of `${dir}/${file}`.split('/')) {
    if (!seg || seg === '.') continue
    if (seg === '..') parts.pop()
    else parts.push(seg)
  }
  return '/' + parts.join('/')
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
      templateFile: annotations[PREFIX + 'agent-inject-template-file-' + rawName] ?? '',
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

/** config.go newConfig, from the annotations as Init completed them (so service and auth-path are always present). */
export function buildAgentConfig(annotations: Record<string, string>, init: boolean, tokenPath: string): AgentConfig {
  const a = (suffix: string) => annotations[PREFIX + suffix]
  const defaultTemplate = (a('agent-inject-default-template') ?? 'map').toLowerCase() === 'json' ? DEFAULT_JSON_TEMPLATE : DEFAULT_MAP_TEMPLATE
  const authConfig: Record<string, string> = {}
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(PREFIX + 'auth-config-')) authConfig[key.slice((PREFIX + 'auth-config-').length).replaceAll('-', '_')] = value
  }
  if (a('role')) authConfig.role = a('role')
  authConfig.token_path ??= tokenPath
  const templates = collectSecrets(annotations).map((s): AgentTemplate => {
    const t: AgentTemplate = {
      destination: s.destination,
      left_delimiter: a('agent-template-left-delim-' + s.rawName) || '{{',
      right_delimiter: a('agent-template-right-delim-' + s.rawName) || '}}',
    }
    if (s.template) t.contents = s.template
    else if (s.templateFile) t.source = s.templateFile
    else t.contents = defaultTemplate.replace('%s', s.path)
    if (a('agent-inject-command-' + s.rawName)) t.command = a('agent-inject-command-' + s.rawName)
    if (a('agent-inject-perms-' + s.rawName)) t.perms = a('agent-inject-perms-' + s.rawName)
    if (a('error-on-missing-key-' + s.rawName)) t.error_on_missing_key = parseBool(a('error-on-missing-key-' + s.rawName))
    return t
  })
  return {
    auto_auth: {
      method: {type: a('auth-type') ?? 'kubernetes', mount_path: a('auth-path') ?? '', ...(a('namespace') ? {namespace: a('namespace')} : {}), config: authConfig},
      sink: [
        {type: 'file', config: {path: '/home/vault/.vault-token'}},
        // config.go: path.Join(secret-volume-path, "token")
        ...(a('agent-inject-token') && parseBool(a('agent-inject-token')!) ? [{type: 'file', config: {path: joinPath(a('secret-volume-path') ?? '', 'token')}}] : []),
      ],
    },
    exit_after_auth: init,
    pid_file: '/home/vault/.pid',
    vault: {address: a('service') ?? ''},
    ...(templates.length ? {template: templates} : {}),
    template_config: {exit_on_retry_failure: parseBool(a('template-config-exit-on-retry-failure') ?? 'true')},
  }
}

export function decodeAgentConfig(env: Array<{name: string; value?: string}> | undefined): AgentConfig | undefined {
  const raw = env?.find((e) => e.name === 'VAULT_CONFIG')?.value
  return raw ? (JSON.parse(Buffer.from(raw, 'base64').toString()) as AgentConfig) : undefined
}
