import type {VaultClient} from './client.js'

/** One entry of sys/mounts or sys/auth, keyed by path with a trailing '/'. */
export interface MountEntry {
  type: string
  options?: {version?: string} | null
  description?: string
}

export type KvVersion = 1 | 2

/** The mount table (secrets engines): `internal/` → entry. */
export async function readSecretsMounts(vault: VaultClient): Promise<Map<string, MountEntry>> {
  const response = await vault.read<Record<string, MountEntry>>('sys/mounts')
  return new Map(Object.entries(response?.data ?? {}))
}

/** The auth method table: `kubernetes/` → entry. */
export async function readAuthMounts(vault: VaultClient): Promise<Map<string, MountEntry>> {
  const response = await vault.read<Record<string, MountEntry>>('sys/auth')
  return new Map(Object.entries(response?.data ?? {}))
}

/** A KV mount's version, as `vault kv` decides it: options.version "2" is v2; anything else on type kv is v1. */
export function kvVersionOfEntry(entry: MountEntry): KvVersion | undefined {
  if (entry.type === 'kv-v2') return 2
  if (entry.type !== 'kv' && entry.type !== 'generic') return undefined
  return entry.options?.version === '2' ? 2 : 1
}

/** How a mount is spoken of to users: "kv v2", "kv v1", "pki". */
export function describeMount(entry: MountEntry): string {
  const version = kvVersionOfEntry(entry)
  return version === undefined ? entry.type : `kv v${version}`
}

export function mountKey(path: string): string {
  return `${trimSlashes(path)}/`
}

export function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '')
}

/**
 * Enables a kv engine of this version. Another run that enabled the same engine in the meantime (Vault: 400 "path is
 * already in use at …") is success when the engine there is the one wanted; returns a note saying so.
 */
export async function enableKv(vault: VaultClient, path: string, version: KvVersion, description?: string): Promise<string | undefined> {
  try {
    await vault.write(`sys/mounts/${trimSlashes(path)}`, {type: 'kv', options: {version: String(version)}, ...(description ? {description} : {})})
    return undefined
  } catch (error) {
    if (!alreadyInUse(error)) throw error
    const entry = (await readSecretsMounts(vault)).get(mountKey(path))
    if (entry === undefined || kvVersionOfEntry(entry) !== version) throw error
    return 'enabled meanwhile by another run'
  }
}

export async function enableAuthMethod(vault: VaultClient, path: string, type: string, description?: string): Promise<string | undefined> {
  try {
    await vault.write(`sys/auth/${trimSlashes(path)}`, {type, ...(description ? {description} : {})})
    return undefined
  } catch (error) {
    if (!alreadyInUse(error)) throw error
    const entry = (await readAuthMounts(vault)).get(mountKey(path))
    if (entry?.type !== type) throw error
    return 'enabled meanwhile by another run'
  }
}

/** vault/mount.go: "path is already in use at <existing>/" (a 400: the CodedError 409 is lost in the error response). */
function alreadyInUse(error: unknown): boolean {
  return error instanceof Error && /path is already in use at /.test(error.message)
}

/** `vault secrets disable`: the engine and every secret in it are gone. */
export async function disableSecretsEngine(vault: VaultClient, path: string): Promise<void> {
  await vault.delete(`sys/mounts/${trimSlashes(path)}`)
}

/** `vault auth disable`: the method, its config and roles are gone. */
export async function disableAuthMethod(vault: VaultClient, path: string): Promise<void> {
  await vault.delete(`sys/auth/${trimSlashes(path)}`)
}
