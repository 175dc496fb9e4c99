// Mount table entries for secrets engines and auth methods, and how Vault shows them
// (vault/logical_system.go mountInfo).
import {randomBytes, randomUUID} from 'node:crypto'
import type {Backend} from './framework.js'

import {VAULT_VERSION} from '../versions.js'

export {VAULT_VERSION}
/** The default and maximum lease TTL of a dev server (768h). */
export const SYSTEM_TTL = 2764800

export interface MountConfig {
  default_lease_ttl: number
  max_lease_ttl: number
  force_no_cache: boolean
  [extra: string]: unknown
}

export interface MountEntry {
  /** Path within its table, with a trailing slash: "secret/", or "kubernetes/" for auth. */
  path: string
  table: 'secret' | 'auth'
  type: string
  description: string
  accessor: string
  uuid: string
  config: MountConfig
  options: Record<string, string> | null
  local: boolean
  sealWrap: boolean
  externalEntropyAccess: boolean
  runningPluginVersion: string
  /** Core-built-in mounts (sys, cubbyhole, identity, token) have no deprecation status. */
  coreBuiltin: boolean
  createdMs: number
  backend: Backend
}

// Plugin versions as a current dev server reports them.
const PLUGIN_VERSIONS: Record<string, string> = {
  kv: 'v0.25.0+builtin',
  kubernetes: 'v0.23.1+builtin',
}

export const KNOWN_SECRET_TYPES = ['kv', 'pki', 'transit', 'database', 'ssh', 'totp', 'aws', 'azure', 'gcp', 'consul', 'nomad', 'rabbitmq', 'ldap', 'kubernetes', 'kmip', 'terraform']
export const KNOWN_AUTH_TYPES = ['kubernetes', 'approle', 'userpass', 'jwt', 'oidc', 'ldap', 'cert', 'github', 'aws', 'azure', 'gcp', 'radius', 'okta', 'kerberos', 'alicloud', 'cf', 'oci']
export const CORE_TYPES = ['system', 'cubbyhole', 'identity', 'token']

function newAccessor(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`
}

export function newMount(fields: Omit<MountEntry, 'accessor' | 'uuid' | 'runningPluginVersion' | 'coreBuiltin'> & {accessor?: string}): MountEntry {
  const coreBuiltin = CORE_TYPES.includes(fields.type)
  const accessorPrefix = fields.table === 'auth' ? `auth_${fields.type}` : fields.type
  return {
    ...fields,
    accessor: fields.accessor ?? newAccessor(accessorPrefix),
    uuid: randomUUID(),
    coreBuiltin,
    runningPluginVersion: coreBuiltin ? `v${VAULT_VERSION}+builtin.vault` : (PLUGIN_VERSIONS[fields.type] ?? `v${VAULT_VERSION}+builtin`),
  }
}

export function mountInfo(entry: MountEntry): Record<string, unknown> {
  const info: Record<string, unknown> = {
    accessor: entry.accessor,
    config: entry.config,
    description: entry.description,
    external_entropy_access: entry.externalEntropyAccess,
    local: entry.local,
    options: entry.options,
    plugin_version: '',
    running_plugin_version: entry.runningPluginVersion,
    running_sha256: '',
    seal_wrap: entry.sealWrap,
    type: entry.type,
    uuid: entry.uuid,
  }
  if (!entry.coreBuiltin) info['deprecation_status'] = 'supported'
  return info
}

/** sanitizePath: no leading slash, exactly one trailing slash. */
export function sanitizeMountPath(path: string): string {
  const trimmed = path.replace(/^\/+/, '')
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`
}
