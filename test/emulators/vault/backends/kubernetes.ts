// The Kubernetes auth method's config and roles (vault-plugin-auth-kubernetes path_config.go,
// path_role.go, sdk/helper/tokenutil). Login lives in kubernetes-login.ts.
import net from 'node:net'
import {parse as parseYaml} from 'yaml'
import {formatGoDuration} from '../go-duration-format.js'
import type {Backend, HandlerRequest, Route} from '../framework.js'
import {SYSTEM_TTL} from '../mounts.js'
import {errorResponse, listOf, nil, ok, type Reply} from '../reply.js'
import {sanitizePolicies} from '../tokens.js'
import {parsePemKey} from './jwt.js'
import {loginRoute, type LoginContext} from './kubernetes-login.js'

export interface KubernetesConfig {
  kubernetes_host: string
  kubernetes_ca_cert: string
  token_reviewer_jwt: string
  pem_keys: string[]
  issuer: string
  disable_iss_validation: boolean
  disable_local_ca_jwt: boolean
  use_annotations_as_alias_metadata: boolean
}

export interface KubernetesRole {
  bound_service_account_names: string[]
  /** Nil (JSON null) until given: path_role.go sets ServiceAccountNamespaces only when the field is sent. */
  bound_service_account_namespaces: string[] | null
  bound_service_account_namespace_selector: string
  audience: string
  alias_name_source: string
  token_bound_cidrs: string[]
  token_explicit_max_ttl: number
  token_max_ttl: number
  token_no_default_policy: boolean
  token_num_uses: number
  token_period: number
  token_policies: string[]
  token_ttl: number
  token_type: string
  /** Deprecated fields, kept (and shown) only when the role was written with them. */
  legacy: {policies: string[]; bound_cidrs: string[]; num_uses: number; ttl: number; max_ttl: number; period: number}
}

export class KubernetesAuthStore {
  config: KubernetesConfig | undefined
  readonly roles = new Map<string, KubernetesRole>()
  /** Entity ids per alias, so repeated logins map to the same entity like Vault's identity store. */
  readonly entities = new Map<string, string>()
}

const ROLE_NAME = String.raw`(?<name>\w(([\w\-.]+)?\w)?)`
const ALIAS_SOURCES = ['serviceaccount_uid', 'serviceaccount_name']

const TOKEN_FIELDS = {
  token_bound_cidrs: 'commaStrings',
  token_explicit_max_ttl: 'duration',
  token_max_ttl: 'duration',
  token_no_default_policy: 'bool',
  token_period: 'duration',
  token_policies: 'commaStrings',
  token_type: {type: 'string', default: 'default-service'},
  token_ttl: 'duration',
  token_num_uses: 'int',
} as const

const ROLE_FIELDS = {
  name: 'string',
  bound_service_account_names: 'commaStrings',
  bound_service_account_namespaces: 'commaStrings',
  bound_service_account_namespace_selector: 'string',
  audience: 'string',
  alias_name_source: {type: 'string', default: 'serviceaccount_uid'},
  policies: 'commaStrings',
  num_uses: 'int',
  ttl: 'duration',
  max_ttl: 'duration',
  period: 'duration',
  bound_cidrs: 'commaStrings',
  ...TOKEN_FIELDS,
} as const

function emptyRole(): KubernetesRole {
  return {
    bound_service_account_names: [],
    bound_service_account_namespaces: null,
    bound_service_account_namespace_selector: '',
    audience: '',
    alias_name_source: '',
    token_bound_cidrs: [],
    token_explicit_max_ttl: 0,
    token_max_ttl: 0,
    token_no_default_policy: false,
    token_num_uses: 0,
    token_period: 0,
    token_policies: [],
    token_ttl: 0,
    token_type: 'default',
    legacy: {policies: [], bound_cidrs: [], num_uses: 0, ttl: 0, max_ttl: 0, period: 0},
  }
}

export function kubernetesBackend(store: KubernetesAuthStore, login: LoginContext): Backend {
  const routes: Route[] = [
    {
      pattern: 'config',
      fields: {
        kubernetes_host: 'string',
        kubernetes_ca_cert: 'string',
        token_reviewer_jwt: 'string',
        pem_keys: 'commaStrings',
        issuer: 'string',
        disable_iss_validation: {type: 'bool', default: true},
        disable_local_ca_jwt: 'bool',
        use_annotations_as_alias_metadata: 'bool',
      },
      // path_config.go registers create and update callbacks but no ExistenceCheck, so Vault's core runs every
      // write as an update: a token with only "update" may write a first config.
      operations: {read: () => readConfig(store), create: (req) => writeConfig(store, req), update: (req) => writeConfig(store, req)},
    },
    {pattern: 'role/?', operations: {list: () => listOf([...store.roles.keys()].sort())}},
    {
      pattern: `role/${ROLE_NAME}`,
      fields: ROLE_FIELDS,
      existenceCheck: (req) => store.roles.has(req.captures['name']!.toLowerCase()),
      operations: {
        read: (req) => readRole(store.roles.get(req.captures['name']!.toLowerCase())),
        create: (req) => writeRole(store, req),
        update: (req) => writeRole(store, req),
        delete: (req) => {
          store.roles.delete(req.captures['name']!.toLowerCase())
          return nil()
        },
      },
    },
    loginRoute(store, login),
  ]
  return {mountType: 'kubernetes', routes, unauthenticatedPaths: ['login']}
}

function readConfig(store: KubernetesAuthStore): Reply {
  const c = store.config
  if (c === undefined) return nil()
  return ok({
    disable_iss_validation: c.disable_iss_validation,
    disable_local_ca_jwt: c.disable_local_ca_jwt,
    issuer: c.issuer,
    kubernetes_ca_cert: c.kubernetes_ca_cert,
    kubernetes_host: c.kubernetes_host,
    pem_keys: c.pem_keys,
    token_reviewer_jwt_set: c.token_reviewer_jwt !== '',
    use_annotations_as_alias_metadata: c.use_annotations_as_alias_metadata,
  })
}

/** hasCerts: at least one PEM block whose body is valid base64. */
function hasPemBlock(text: string): boolean {
  const blocks = text.matchAll(/-----BEGIN ([^-]+)-----\r?\n([\s\S]*?)-----END \1-----/g)
  return [...blocks].some(([, , body]) => /^[A-Za-z0-9+/=\s]+$/.test(body!) && body!.replace(/\s/g, '').length % 4 === 0)
}

function writeConfig(store: KubernetesAuthStore, req: HandlerRequest): Reply {
  const f = req.fields
  const host = f.get<string>('kubernetes_host')
  if (host === '') return errorResponse('no host provided')
  const caCert = f.get<string>('kubernetes_ca_cert')
  if (caCert !== '' && !hasPemBlock(caCert)) return errorResponse('The provided CA PEM data contains no valid certificates')
  const pemKeys = f.get<string[]>('pem_keys')
  for (const pem of pemKeys) {
    try {
      parsePemKey(pem)
    } catch (error) {
      return errorResponse((error as Error).message)
    }
  }
  // The whole config is replaced: anything not sent goes back to its default.
  store.config = {
    kubernetes_host: host,
    kubernetes_ca_cert: caCert,
    token_reviewer_jwt: f.get('token_reviewer_jwt'),
    pem_keys: pemKeys,
    issuer: f.get('issuer'),
    disable_iss_validation: f.get('disable_iss_validation'),
    disable_local_ca_jwt: f.get('disable_local_ca_jwt'),
    use_annotations_as_alias_metadata: f.get('use_annotations_as_alias_metadata'),
  }
  return nil()
}

/**
 * path_role.go pathRoleRead: the role's lists as stored (a list never given reads back null, a Go nil slice);
 * token_policies and token_bound_cidrs come from tokenutil PopulateTokenData, which writes [] for empty ones.
 */
function readRole(role: KubernetesRole | undefined): Reply {
  if (role === undefined) return nil()
  const data: Record<string, unknown> = {
    alias_name_source: role.alias_name_source,
    bound_service_account_names: role.bound_service_account_names,
    bound_service_account_namespace_selector: role.bound_service_account_namespace_selector,
    bound_service_account_namespaces: role.bound_service_account_namespaces,
    token_bound_cidrs: role.token_bound_cidrs,
    token_explicit_max_ttl: role.token_explicit_max_ttl,
    token_max_ttl: role.token_max_ttl,
    token_no_default_policy: role.token_no_default_policy,
    token_num_uses: role.token_num_uses,
    token_period: role.token_period,
    token_policies: role.token_policies,
    token_ttl: role.token_ttl,
    token_type: role.token_type,
  }
  if (role.audience !== '') data['audience'] = role.audience
  const legacy = role.legacy
  if (legacy.policies.length > 0) data['policies'] = role.token_policies
  if (legacy.bound_cidrs.length > 0) data['bound_cidrs'] = role.token_bound_cidrs
  if (legacy.ttl > 0) data['ttl'] = legacy.ttl
  if (legacy.max_ttl > 0) data['max_ttl'] = legacy.max_ttl
  if (legacy.period > 0) data['period'] = legacy.period
  if (legacy.num_uses > 0) data['num_uses'] = legacy.num_uses
  return ok(data)
}

/** tokenutil ParseTokenFields; returns the error text on failure. */
function parseTokenFields(role: KubernetesRole, req: HandlerRequest): string | undefined {
  const f = req.fields
  if (f.has('token_bound_cidrs')) {
    const cidrs = f.get<string[]>('token_bound_cidrs')
    const bad = cidrs.find((c) => !validCidr(c))
    if (bad !== undefined) return `unable to parse address ${JSON.stringify(bad)}`
    role.token_bound_cidrs = cidrs
  }
  if (f.has('token_explicit_max_ttl')) role.token_explicit_max_ttl = f.get('token_explicit_max_ttl')
  if (f.has('token_max_ttl')) role.token_max_ttl = f.get('token_max_ttl')
  if (role.token_max_ttl < 0) return "'token_max_ttl' cannot be negative"
  if (f.has('token_no_default_policy')) role.token_no_default_policy = f.get('token_no_default_policy')
  if (f.has('token_period')) role.token_period = f.get('token_period')
  if (role.token_period < 0) return "'token_period' cannot be negative"
  if (f.has('token_policies')) role.token_policies = f.get('token_policies')
  if (f.has('token_type')) {
    const type = f.get<string>('token_type')
    if (!['', 'default', 'service', 'batch'].includes(type)) return `invalid 'token_type' value ${JSON.stringify(type)}`
    role.token_type = type === '' ? 'default' : type
  }
  if (f.has('token_num_uses')) role.token_num_uses = f.get('token_num_uses')
  if (role.token_num_uses < 0) return "'token_num_uses' cannot be negative"
  if (role.token_type === 'batch') {
    if (role.token_period !== 0) return "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens"
    if (role.token_num_uses !== 0) return "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count"
  }
  if (f.has('token_ttl')) role.token_ttl = f.get('token_ttl')
  if (role.token_ttl < 0) return "'token_ttl' cannot be negative"
  if (role.token_ttl > 0 && role.token_max_ttl > 0 && role.token_ttl > role.token_max_ttl) return "'token_ttl' cannot be greater than 'token_max_ttl'"
  return undefined
}

/** tokenutil.UpgradeValue: a deprecated key only counts when its replacement is absent. */
function upgradeLegacy(role: KubernetesRole, req: HandlerRequest): void {
  const f = req.fields
  const pairs = [
    ['policies', 'token_policies'],
    ['bound_cidrs', 'token_bound_cidrs'],
    ['num_uses', 'token_num_uses'],
    ['ttl', 'token_ttl'],
    ['max_ttl', 'token_max_ttl'],
    ['period', 'token_period'],
  ] as const
  for (const [oldKey, newKey] of pairs) {
    const zero = Array.isArray(role.legacy[oldKey]) ? [] : 0
    if (!f.has(newKey)) {
      if (!f.has(oldKey)) continue
      const value = oldKey === 'policies' ? sanitizePolicies(f.get<string[]>('policies'), false) : f.get(oldKey)
      ;(role.legacy as Record<string, unknown>)[oldKey] = value
      ;(role as unknown as Record<string, unknown>)[newKey] = value
    } else {
      ;(role.legacy as Record<string, unknown>)[oldKey] = f.has(oldKey) ? role[newKey] : zero
    }
  }
}

function validCidr(text: string): boolean {
  const [address, bits] = text.split('/')
  const family = net.isIP(address ?? '')
  if (family === 0) return false
  if (bits === undefined) return true
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)
}

export function validNamespaceSelector(text: string): boolean {
  try {
    const selector = parseYaml(text) as unknown
    if (selector === null || typeof selector !== 'object' || Array.isArray(selector)) return false
    return Object.keys(selector).every((k) => k === 'matchLabels' || k === 'matchExpressions')
  } catch {
    return false
  }
}

function writeRole(store: KubernetesAuthStore, req: HandlerRequest): Reply {
  const name = req.captures['name']!
  const f = req.fields
  const existing = store.roles.get(name.toLowerCase())
  const role: KubernetesRole = existing ? structuredClone(existing) : emptyRole()
  const tokenError = parseTokenFields(role, req)
  if (tokenError !== undefined) return errorResponse(tokenError)
  upgradeLegacy(role, req)
  if (role.token_period > SYSTEM_TTL) {
    return errorResponse(
      `token period of '${JSON.stringify(formatGoDuration(role.token_period))}' is greater than the backend's maximum lease TTL of '${JSON.stringify(formatGoDuration(SYSTEM_TTL))}'`,
    )
  }
  if (role.token_max_ttl > 0 && role.token_ttl > role.token_max_ttl) return errorResponse('token ttl should not be greater than token max ttl')
  const warnings: string[] = []
  if (role.token_max_ttl > SYSTEM_TTL) {
    warnings.push("max_ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated")
  }
  if (f.has('bound_service_account_names')) role.bound_service_account_names = f.get('bound_service_account_names')
  if (role.bound_service_account_names.length === 0) return errorResponse('"bound_service_account_names" can not be empty')
  if (role.bound_service_account_names.length > 1 && role.bound_service_account_names.includes('*')) return errorResponse('can not mix "*" with values')
  if (f.has('bound_service_account_namespaces')) role.bound_service_account_namespaces = f.get('bound_service_account_namespaces')
  // The selector is always taken from the request: leaving it out clears it.
  role.bound_service_account_namespace_selector = f.get('bound_service_account_namespace_selector')
  const namespaces = role.bound_service_account_namespaces ?? []
  if (namespaces.length === 0 && role.bound_service_account_namespace_selector === '') {
    return errorResponse('"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set')
  }
  if (role.bound_service_account_namespace_selector !== '' && !validNamespaceSelector(role.bound_service_account_namespace_selector)) {
    return errorResponse('invalid "bound_service_account_namespace_selector" configured')
  }
  if (namespaces.length > 1 && namespaces.includes('*')) return errorResponse('can not mix "*" with values')
  if (f.has('audience')) role.audience = f.get('audience')
  if (role.audience.trim() === '') {
    warnings.push(
      `Role ${name} does not have an audience configured. While audiences are not required, consider specifying one if your use case would benefit from additional JWT claim verification.`,
    )
  }
  if (f.has('alias_name_source') || role.alias_name_source === '') {
    role.alias_name_source = f.get<string>('alias_name_source') || (role.alias_name_source === '' ? 'serviceaccount_uid' : '')
  }
  if (!ALIAS_SOURCES.includes(role.alias_name_source)) {
    return errorResponse(`invalid alias_name_source, must be one of: ${ALIAS_SOURCES.join(', ')}`)
  }
  store.roles.set(name.toLowerCase(), role)
  return warnings.length > 0 ? ok(null, warnings) : nil()
}
