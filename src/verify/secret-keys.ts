import {vaultSecretSource} from '../agent/secret-source.js'
import type {VaultClient} from '../vault/client.js'

/** The keys of the secret at an annotation's path, or undefined when Vault cannot tell (no access, no secret, not KV). */
export type SecretKeys = (vaultPath: string) => Promise<string[] | undefined>

/**
 * Reads each secret once, as Vault Agent would (its values registered as secret, so nothing prints them), and keeps
 * only its key set: what --expect-keys needs to read Go's `map[…]` output without guessing.
 */
export function secretKeysFrom(vault: VaultClient, unavailable: (reason: string) => void): SecretKeys {
  const source = vaultSecretSource(vault, false)
  let told = false
  return async (vaultPath) => {
    const lookup = await source.lookup(vaultPath).catch((error: unknown) => ({state: 'error' as const, problem: (error as Error).message, response: undefined, kvVersion: undefined}))
    if (lookup.state === 'error' && !told) {
      told = true
      unavailable(lookup.problem ?? 'unknown error')
    }
    if (lookup.state !== 'ok') return undefined
    const data = lookup.response?.data as Record<string, unknown> | undefined
    const values = lookup.kvVersion === 2 ? data?.data : data
    return values !== null && typeof values === 'object' ? Object.keys(values) : undefined
  }
}
