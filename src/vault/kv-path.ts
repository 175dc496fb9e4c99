import {inputError, VsiError} from '../errors.js'
import type {VaultClient} from './client.js'
import {describeMount, kvVersionOfEntry, readSecretsMounts, trimSlashes, type KvVersion, type MountEntry} from './mounts.js'

/** Where a KV path such as `internal/database/config` lives. */
export interface KvLocation {
  /** The path as the user wrote it, without surrounding slashes. */
  path: string
  /** The mount, without trailing slash: `internal`. */
  mount: string
  version: KvVersion
  /** The part after the mount: `database/config`. */
  key: string
}

/** A path under a known kv mount, without asking Vault (for a mount vsi itself manages). */
export function kvLocationUnder(mount: string, path: string, version: KvVersion): KvLocation {
  const cleanMount = trimSlashes(mount)
  const cleanPath = trimSlashes(path)
  return {path: cleanPath, mount: cleanMount, version, key: trimSlashes(cleanPath.slice(cleanMount.length))}
}

export type KvApiPrefix = 'data' | 'metadata'

/**
 * The HTTP API path for a KV path, as `vault kv` builds it (command/kv_helpers.go addPrefixToKVPath): v2 inserts
 * `data/` (or `metadata/`) after the mount, v1 uses the path as is. With `skipIfPrefixed`, a path that already has
 * the prefix (as policies and injector annotations are usually written) is left alone.
 */
export function kvApiPath(path: string, mount: string, version: KvVersion, prefix: KvApiPrefix = 'data', skipIfPrefixed = false): string {
  const cleanPath = trimSlashes(path)
  const cleanMount = trimSlashes(mount)
  if (version === 1) return cleanPath
  const key = cleanPath === cleanMount ? '' : trimSlashes(cleanPath.slice(cleanMount.length))
  if (skipIfPrefixed && (key === prefix || key.startsWith(`${prefix}/`))) return cleanPath
  return [cleanMount, prefix, key].filter((part) => part !== '').join('/')
}

export function kvLocationApiPath(location: KvLocation, prefix: KvApiPrefix = 'data'): string {
  return kvApiPath(location.path, location.mount, location.version, prefix)
}

/** Finds the KV mount serving a path and its version from the live server. */
export async function kvLocationOf(vault: VaultClient, path: string): Promise<KvLocation> {
  const clean = trimSlashes(path)
  if (clean === '') throw inputError('the KV path is empty')
  const found = (await preflight(vault, clean)) ?? (await fromMountTable(vault, clean).catch((error: unknown) => Promise.reject(noAccess(error, clean))))
  if (!found) {
    throw new VsiError(`no secrets engine is mounted at ${clean.split('/')[0]}/ (for ${clean})`, {
      code: 'kv-mount-missing',
      hint: `Enable a KV v2 engine there: vsi setup --kv-path ${clean.split('/')[0]}`,
    })
  }
  const version = kvVersionOfEntry(found.entry)
  if (version === undefined) {
    throw new VsiError(`${found.mount}/ is a ${describeMount(found.entry)} secrets engine, not KV (for ${clean})`, {
      code: 'kv-mount-wrong-type',
      hint: 'Use a path under a KV mount.',
    })
  }
  return {path: clean, mount: found.mount, version, key: trimSlashes(clean.slice(found.mount.length))}
}

interface FoundMount {
  mount: string
  entry: MountEntry
}

/** What `vault kv` asks first: sys/internal/ui/mounts/<path>. A 403/404 there means "unknown": fall back. */
async function preflight(vault: VaultClient, path: string): Promise<FoundMount | undefined> {
  try {
    const response = await vault.read<MountEntry & {path?: string}>(`sys/internal/ui/mounts/${path}`)
    const data = response?.data
    if (!data?.path || !data.type) return undefined
    return {mount: trimSlashes(data.path), entry: data}
  } catch (error) {
    if (error instanceof VsiError && error.code === 'vault-permission-denied') return undefined
    throw error
  }
}

async function fromMountTable(vault: VaultClient, path: string): Promise<FoundMount | undefined> {
  const mounts = await readSecretsMounts(vault)
  const matches = [...mounts.keys()].filter((key) => `${path}/`.startsWith(key)).sort((a, b) => b.length - a.length)
  return matches.length === 0 ? undefined : {mount: trimSlashes(matches[0]), entry: mounts.get(matches[0])!}
}

/** Both mount lookups refused: the token has no access to anything under that path. */
function noAccess(error: unknown, path: string): unknown {
  if (!(error instanceof VsiError) || error.code !== 'vault-permission-denied') return error
  return new VsiError(`Permission denied: the Vault token has no access under ${path} (Vault refused to say which engine serves it)`, {
    code: 'vault-permission-denied',
    hint: `Use a token whose policy grants capabilities on ${path} (on kv v2: on its data/ path).`,
    cause: error,
  })
}
