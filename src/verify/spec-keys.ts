import type {SecretKeys} from './secret-keys.js'

/** A Vault session that tells a secret's keys, as `vsi verify --expect-keys` opens it; undefined when Vault cannot be asked. */
export interface KeysSession {
  keys: SecretKeys
  close(): Promise<void>
}

/** What verify reads of a vsi.yaml app (the spec engine's own types belong to setup/). */
interface AppSecrets {
  secrets: Array<{keys: string[]; format?: string}>
}

/**
 * `vsi verify -f vsi.yaml` reads Go's map output (format: map) by each secret's own keys, as for --expect-keys: one
 * Vault session for every app, opened only when a secret with keys renders as a map, while `work` awaits the pods
 * (`work` gets the keys at once; a lookup waits for the session), and closed after it.
 */
export async function withSpecKeys<T>(apps: AppSecrets[], open: () => Promise<KeysSession | undefined>, work: (secretKeys: SecretKeys | undefined) => Promise<T>): Promise<T> {
  const readsMaps = apps.some((app) => app.secrets.some((secret) => secret.keys.length > 0 && secret.format === 'map'))
  const session = readsMaps ? open() : undefined
  const secretKeys: SecretKeys | undefined = session && (async (vaultPath) => (await session)?.keys(vaultPath))
  try {
    return await work(secretKeys)
  } finally {
    await (await session)?.close()
  }
}
