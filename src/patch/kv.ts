import {kvApiPath} from '../vault/kv-path.js'
import type {KvVersion} from '../vault/mounts.js'
import {trimSlashes} from '../vault/mounts.js'

export interface KvPathTranslation {
  /** The path the agent reads: `internal/data/database/config` on KV v2. */
  apiPath: string
  /** Whether apiPath differs from the path given. */
  translated: boolean
}

/**
 * The API path an `agent-inject-secret-*` annotation needs for a KV path. The caller resolves the engine's version
 * (a flag offline, the live mount when Vault is reachable); without a known mount the first segment is taken as
 * the mount, as in `internal/database/config`. A v2 path that already has `data/` after the mount is kept.
 */
export function annotationSecretPath(path: string, kvVersion: KvVersion, mount?: string): KvPathTranslation {
  const clean = trimSlashes(path)
  const apiPath = kvApiPath(clean, mount ?? clean.split('/')[0], kvVersion, 'data', true)
  return {apiPath, translated: apiPath !== clean}
}
