// The system backend at sys/ (vault/logical_system.go): mount and auth tables, ACL policies
// (new and old API), capabilities and the KV preflight `sys/internal/ui/mounts/<path>`.
import {DurationError, parseDurationSecond} from '../go-strconv.js'
import type {Backend, HandlerRequest, Route} from '../framework.js'
import {mountInfo, sanitizeMountPath, SYSTEM_TTL, type MountEntry} from '../mounts.js'
import {readPolicy, PolicySyntaxError, type EmulatorAcl} from '../policy/acl.js'
import {PolicyStore} from '../policy/store.js'
import {errorResponse, goError, listOf, nil, ok, type Reply} from '../reply.js'
import type {TokenEntry, TokenStore} from '../tokens.js'

export type Table = 'secret' | 'auth'

export interface MountSettings {
  type: string
  description: string
  config: Record<string, unknown>
  options: Record<string, string>
  local: boolean
  sealWrap: boolean
  externalEntropyAccess: boolean
}

/** What the system backend needs from the core. */
export interface SysCore {
  readonly policies: PolicyStore
  readonly tokens: TokenStore
  table(table: Table): Map<string, MountEntry>
  /** Returns Vault's error text when the mount is refused. */
  mount(table: Table, path: string, settings: MountSettings): string | undefined
  unmount(table: Table, path: string): string | undefined
  upgradeKvToV2(entry: MountEntry): void
  /** The mount serving a full request path, and that mount's full prefix (auth/… for auth). */
  matchMount(path: string): {entry: MountEntry; prefix: string} | undefined
  acl(token: TokenEntry): EmulatorAcl
}

const MOUNT_FIELDS = {
  path: 'string',
  type: 'string',
  description: 'string',
  config: 'map',
  options: 'kvPairs',
  local: 'bool',
  seal_wrap: 'bool',
  external_entropy_access: 'bool',
  plugin_name: 'string',
  plugin_version: 'string',
} as const

const TUNE_FIELDS = {
  path: 'string',
  default_lease_ttl: 'string',
  max_lease_ttl: 'string',
  description: 'string',
  options: 'kvPairs',
  listing_visibility: 'string',
  token_type: 'string',
} as const

export function sysBackend(core: SysCore): Backend {
  const routes: Route[] = [
    ...mountRoutes(core, 'secret'),
    ...mountRoutes(core, 'auth'),
    {pattern: 'policy/?', operations: {read: () => policyList(core, true), list: () => policyList(core, false)}},
    {
      pattern: 'policy/(?<name>.+)',
      fields: {name: 'string', rules: 'string', policy: 'string'},
      operations: {read: (r) => policyRead(core, r, 'rules'), update: (r) => policyWrite(core, r, true), delete: (r) => policyDelete(core, r)},
    },
    {pattern: 'policies/acl/?', operations: {list: () => listOf([...core.policies.names(), 'root'])}},
    {
      pattern: 'policies/acl/(?<name>.+)',
      fields: {name: 'string', policy: 'string'},
      operations: {read: (r) => policyRead(core, r, 'policy'), update: (r) => policyWrite(core, r, false), delete: (r) => policyDelete(core, r)},
    },
    {
      pattern: 'capabilities-self',
      fields: {token: 'string', path: 'commaStrings', paths: 'commaStrings'},
      operations: {update: (r) => capabilities(core, r, r.token)},
    },
    {
      pattern: 'capabilities',
      fields: {token: 'string', path: 'commaStrings', paths: 'commaStrings'},
      operations: {
        update: (r) => {
          const token = core.tokens.lookup(r.fields.get('token'))
          return token === undefined ? errorResponse('invalid token') : capabilities(core, r, token)
        },
      },
    },
    {pattern: 'internal/ui/mounts/(?<path>.+)', fields: {path: 'string'}, operations: {read: (r) => preflight(core, r)}},
  ]
  return {
    mountType: 'system',
    routes,
    // Relative to sys/ (PathsSpecial of the system backend).
    rootPaths: ['auth/*', 'remount', 'audit', 'audit/*', 'raw', 'raw/*', 'rotate', 'config/cors', 'config/auditing/*', 'plugins/catalog/*', 'leases/revoke-prefix/*', 'leases/revoke-force/*', 'leases/lookup/*'],
    unauthenticatedPaths: ['wrapping/lookup', 'wrapping/pubkey', 'replication/status', 'internal/specs/openapi', 'internal/ui/mounts', 'internal/ui/mounts/*', 'internal/ui/namespaces'],
  }
}

function mountRoutes(core: SysCore, table: Table): Route[] {
  const base = table === 'secret' ? 'mounts' : 'auth'
  const notFound = (path: string): string => (table === 'secret' ? `No secret engine mount at ${path}` : `No auth engine at ${path}`)
  return [
    {pattern: base, operations: {read: () => ok(Object.fromEntries([...core.table(table)].map(([p, e]) => [p, mountInfo(e)])))}},
    {
      pattern: `${base}/(?<path>.+?)/tune`,
      fields: TUNE_FIELDS,
      operations: {read: (r) => tuneRead(core, table, r), update: (r) => tuneWrite(core, table, r)},
    },
    {
      pattern: `${base}/(?<path>.+)`,
      fields: MOUNT_FIELDS,
      operations: {
        read: (r) => {
          // handleReadMount asks the router (MatchingMountEntry): the longest mount prefix of the path answers.
          const path = sanitizeMountPath(r.captures['path']!)
          const match = [...core.table(table).keys()].filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0]
          return match === undefined ? errorResponse(notFound(path)) : ok(mountInfo(core.table(table).get(match)!))
        },
        update: (r) => enable(core, table, r),
        delete: (r) => {
          const problem = core.unmount(table, sanitizeMountPath(r.captures['path']!))
          return problem === undefined ? nil() : errorResponse(problem)
        },
      },
    },
  ]
}

function enable(core: SysCore, table: Table, req: HandlerRequest): Reply {
  const f = req.fields
  let type = f.get<string>('type')
  if (type === '') return errorResponse('backend type must be specified as a string')
  const options = {...f.get<Record<string, string>>('options')}
  if (type === 'kv-v1' || type === 'kv-v2') {
    // Alias KV v2 (and v1) to type kv with a version option.
    options['version'] = type.slice(4)
    type = 'kv'
  }
  if ('version' in options && type !== 'kv') {
    return errorResponse(table === 'secret' ? `secrets engine ${JSON.stringify(type)} does not allow setting a version` : `auth method ${JSON.stringify(type)} does not allow setting a version`)
  }
  const config = f.get<Record<string, unknown>>('config')
  const ttlProblem = checkTtls(config)
  if (ttlProblem !== undefined) return errorResponse(ttlProblem)
  if (table === 'auth' && config['token_type'] !== undefined && !['default-service', 'default-batch', 'service', 'batch'].includes(String(config['token_type']))) {
    return errorResponse("invalid value for 'token_type'")
  }
  const problem = core.mount(table, sanitizeMountPath(req.captures['path']!), {
    type,
    description: f.get('description'),
    config,
    options,
    local: f.get('local'),
    sealWrap: f.get('seal_wrap'),
    externalEntropyAccess: f.get('external_entropy_access'),
  })
  return problem === undefined ? nil() : errorResponse(problem)
}

function parseTtl(value: unknown): number {
  return value === 'system' ? 0 : parseDurationSecond(value)
}

function checkTtls(config: Record<string, unknown>): string | undefined {
  const parsed: Record<string, number> = {}
  for (const [key, label] of [
    ['default_lease_ttl', 'default TTL'],
    ['max_lease_ttl', 'max TTL'],
  ] as const) {
    if (config[key] === undefined) continue
    try {
      parsed[key] = parseTtl(config[key])
    } catch (error) {
      if (!(error instanceof DurationError)) throw error
      return `unable to parse ${label} of ${String(config[key])}: ${error.message}`
    }
  }
  const def = parsed['default_lease_ttl'] ?? 0
  const max = parsed['max_lease_ttl'] ?? 0
  if (max !== 0 && def > max) return 'given default lease TTL greater than given max lease TTL'
  return undefined
}

function tuneRead(core: SysCore, table: Table, req: HandlerRequest): Reply {
  const path = sanitizeMountPath(req.captures['path']!)
  const entry = core.table(table).get(path)
  if (entry === undefined) return errorResponse(`cannot fetch sysview for path ${JSON.stringify(table === 'auth' ? `auth/${path}` : path)}`)
  const data: Record<string, unknown> = {
    description: entry.description,
    default_lease_ttl: entry.config.default_lease_ttl || SYSTEM_TTL,
    max_lease_ttl: entry.config.max_lease_ttl || SYSTEM_TTL,
    force_no_cache: entry.config.force_no_cache,
  }
  if (entry.externalEntropyAccess) data['external_entropy_access'] = true
  if (table === 'auth') data['token_type'] = entry.config['token_type']
  if (entry.options !== null && Object.keys(entry.options).length > 0) data['options'] = entry.options
  return ok(data)
}

function tuneWrite(core: SysCore, table: Table, req: HandlerRequest): Reply {
  const path = sanitizeMountPath(req.captures['path']!)
  const entry = core.table(table).get(path)
  if (entry === undefined) return errorResponse(`cannot fetch sysview for path ${JSON.stringify(table === 'auth' ? `auth/${path}` : path)}`)
  const f = req.fields
  const ttls: Record<string, unknown> = {}
  if (f.has('default_lease_ttl')) ttls['default_lease_ttl'] = f.get('default_lease_ttl')
  if (f.has('max_lease_ttl')) ttls['max_lease_ttl'] = f.get('max_lease_ttl')
  const ttlProblem = checkTtls(ttls)
  if (ttlProblem !== undefined) return errorResponse(ttlProblem)
  for (const [key, value] of Object.entries(ttls)) entry.config[key] = parseTtl(value)
  if (f.has('description')) entry.description = f.get('description')
  if (f.has('listing_visibility')) entry.config['listing_visibility'] = f.get('listing_visibility')
  // handleTuneWriteCommon: only versions 1 and 2, no downgrade, and a warning when a kv v1 mount is upgraded.
  const version = f.get<Record<string, string>>('options')['version']
  if (version !== undefined && entry.type === 'kv') {
    const wanted = Number.parseInt(String(version), 10)
    const current = Number.parseInt(entry.options?.['version'] ?? '1', 10) || 1
    if (wanted !== 1 && wanted !== 2) return errorResponse(`invalid version provided: ${version}`)
    if (current > wanted) return errorResponse(`cannot downgrade mount from version ${current}`)
    if (current < wanted) {
      core.upgradeKvToV2(entry)
      return ok(null, [`Upgrading mount from version ${current} to version ${wanted}. This mount will be unavailable for a brief period and will resume service shortly.`])
    }
  }
  return nil()
}

function policyList(core: SysCore, withPoliciesKey: boolean): Reply {
  const keys = [...core.policies.names(), 'root']
  return ok(withPoliciesKey ? {keys, policies: keys} : {keys})
}

function policyRead(core: SysCore, req: HandlerRequest, textKey: 'rules' | 'policy'): Reply {
  const name = PolicyStore.sanitizeName(req.captures['name']!)
  const raw = core.policies.read(name)
  return raw === undefined ? nil() : ok({name, [textKey]: raw})
}

/** Go's base64.StdEncoding.DecodeString ignores CR and LF; anything else must be valid base64. */
function decodeIfBase64(text: string): string {
  const compact = text.replace(/[\r\n]/g, '')
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return text
  return Buffer.from(compact, 'base64').toString('utf8')
}

function policyWrite(core: SysCore, req: HandlerRequest, oldApi: boolean): Reply {
  const given = req.captures['name']!
  const name = PolicyStore.sanitizeName(given)
  const warnings: string[] = []
  let raw = req.fields.get<string>('policy')
  if (raw === '' && oldApi) {
    raw = req.fields.get('rules')
    warnings.push("'rules' is deprecated, please use 'policy' instead")
  }
  if (raw === '') return errorResponse("'policy' parameter not supplied or empty")
  raw = decodeIfBase64(raw)
  let parsed
  try {
    parsed = readPolicy(raw)
  } catch (error) {
    if (error instanceof PolicySyntaxError) return errorResponse(error.message)
    throw error
  }
  const problem = core.policies.write(name, raw, parsed)
  if (problem !== undefined) return errorResponse(problem)
  if (name !== given) warnings.push(`policy name was converted to ${name}`)
  return warnings.length > 0 ? ok(null, warnings) : nil()
}

function policyDelete(core: SysCore, req: HandlerRequest): Reply {
  const problem = core.policies.delete(req.captures['name']!)
  return problem === undefined ? nil() : errorResponse(problem)
}

function capabilities(core: SysCore, req: HandlerRequest, token: TokenEntry | undefined): Reply {
  if (token === undefined) return goError('no token found')
  let paths = req.fields.get<string[]>('paths')
  if (paths.length === 0) paths = req.fields.get<string[]>('path')
  if (paths.length === 0) return errorResponse('paths must be supplied')
  const acl = core.acl(token)
  const data: Record<string, unknown> = {}
  for (const path of paths) data[path] = token.policies.length === 0 ? ['deny'] : [...acl.capabilities(path)].sort()
  // Kept for backwards compatibility when exactly one path was asked about.
  if (paths.length === 1) data['capabilities'] = data[paths[0]!]
  return ok(data)
}

function preflight(core: SysCore, req: HandlerRequest): Reply {
  const path = sanitizeMountPath(req.captures['path']!)
  // Vault answers 403 for missing mounts too, so the endpoint cannot be used to probe for mounts.
  const refused = errorResponse(`preflight capability check returned 403, please ensure client's policies grant access to path ${JSON.stringify(path)}`, 403)
  const match = core.matchMount(path)
  if (match === undefined) return refused
  // pathInternalUIMountRead answers any fetchACLTokenEntryAndEntity error (an empty token too, since 1.10) with errResp.
  const token = req.clientToken === undefined ? undefined : core.tokens.lookup(req.clientToken)
  if (token === undefined || !core.acl(token).hasMountAccess(match.prefix)) return refused
  return ok({...mountInfo(match.entry), path: match.entry.path})
}
