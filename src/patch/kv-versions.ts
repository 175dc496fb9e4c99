import type {VaultClient} from '../vault/client.js'
import {kvLocationOf} from '../vault/kv-path.js'
import type {PatchRequest} from './build.js'

/**
 * Sets the KV version and mount of every secret path from the live server, as `vault kv` finds them
 * (sys/internal/ui/mounts, else sys/mounts), so that nothing is assumed. Throws when Vault cannot tell (no KV engine
 * there, no access): the caller then falls back to an assumption and says so.
 */
export async function learnKvVersions(vault: VaultClient, request: PatchRequest): Promise<void> {
  await Promise.all(
    request.secrets
      .filter((secret) => secret.path !== undefined)
      .map(async (secret) => {
        const location = await kvLocationOf(vault, secret.path!)
        secret.kvVersion = location.version
        secret.mount = location.mount
      }),
  )
}
