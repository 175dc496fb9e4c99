import type {VaultClient} from './client.js'
import {kvLocationApiPath, type KvLocation} from './kv-path.js'
import {registerValue} from './secret-input.js'

export interface KvSecret {
  data: Record<string, string>
  /** KV v2 only. */
  version?: number
  createdTime?: string
  /** KV v2 only: the secret's custom_metadata (vsi marks the secrets it created there). */
  customMetadata?: Record<string, string>
}

interface KvV2ReadData {
  data: Record<string, unknown> | null
  metadata?: {version?: number; created_time?: string; custom_metadata?: Record<string, string> | null}
}

/**
 * Reads a secret; undefined when there is none (never written, deleted, or destroyed). Every value is registered as
 * secret, so that nothing prints it, unless `reveal` (the user asked to see the values).
 */
export async function readKvSecret(vault: VaultClient, location: KvLocation, reveal = false): Promise<KvSecret | undefined> {
  if (location.version === 1) {
    const response = await vault.read<Record<string, unknown>>(kvLocationApiPath(location))
    return response?.data ? {data: secretValues(response.data, reveal)} : undefined
  }
  const response = await vault.read<KvV2ReadData>(kvLocationApiPath(location))
  if (!response?.data?.data) return undefined
  const metadata = response.data.metadata
  return {
    data: secretValues(response.data.data, reveal),
    version: metadata?.version,
    createdTime: metadata?.created_time,
    ...(metadata?.custom_metadata ? {customMetadata: metadata.custom_metadata} : {}),
  }
}

/**
 * A KV v2 key's current_version from its metadata: undefined when Vault has no metadata for it, 0 when it has
 * metadata but no version yet. A key whose latest version is deleted reads as absent but has a current_version.
 */
export async function readKvCurrentVersion(vault: VaultClient, location: KvLocation): Promise<number | undefined> {
  const response = await vault.read<{current_version?: number}>(kvLocationApiPath(location, 'metadata'))
  return response === undefined ? undefined : (response.data?.current_version ?? 0)
}

/** Sets a KV v2 secret's custom_metadata (the other metadata settings are left as they are). */
export async function writeKvCustomMetadata(vault: VaultClient, location: KvLocation, custom: Record<string, string>): Promise<void> {
  await vault.write(kvLocationApiPath(location, 'metadata'), {custom_metadata: custom}, {idempotent: true})
}

/** Deletes a KV v2 secret with every version and its metadata (`vault kv metadata delete`). */
export async function deleteKvSecret(vault: VaultClient, location: KvLocation): Promise<void> {
  await vault.delete(kvLocationApiPath(location, 'metadata'))
}

export interface KvWriteResult {
  /** KV v2 only: the version just written. */
  version?: number
}

/** Writes all of a secret's keys (`vault kv put` semantics: keys not given are gone in the new version). */
export async function writeKvSecret(vault: VaultClient, location: KvLocation, data: Record<string, string>, cas?: number): Promise<KvWriteResult> {
  for (const value of Object.values(data)) registerValue(value)
  if (location.version === 1) {
    await vault.write(kvLocationApiPath(location), data)
    return {}
  }
  const response = await vault.write<{version?: number}>(kvLocationApiPath(location), {data, options: cas === undefined ? {} : {cas}})
  return {version: response?.data?.version}
}

function secretValues(data: Record<string, unknown>, reveal: boolean): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [key, value] of Object.entries(data)) {
    values[key] = typeof value === 'string' ? value : JSON.stringify(value)
    if (!reveal) registerValue(values[key])
  }
  return values
}

/** Same keys and values: a second write would only add a version. */
export function sameSecret(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key])
}
