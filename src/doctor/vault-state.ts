import type {InjectionSpec} from '../annotations/injection.js'
import {VsiError} from '../errors.js'
import type {VaultClient} from '../vault/client.js'
import type {KubernetesAuthConfigRead, RoleSpec} from '../vault/kubernetes-auth.js'
import {readAuthConfig, readRole} from '../vault/kubernetes-auth.js'
import type {MountEntry} from '../vault/mounts.js'
import {mountKey, readAuthMounts, trimSlashes} from '../vault/mounts.js'
import {readPolicy} from '../vault/policy.js'
import type {Fact} from './check.js'

export interface NamedPolicy {
  name: string
  /** Undefined when no policy of that name exists. */
  hcl?: string
}

export interface UnsealedVault {
  reachable: true
  sealed: false
  version?: string
  /** sys/seal-status storage_type: `inmem` is a dev-mode server, which keeps everything in memory. */
  storageType?: string
  authMounts: Fact<Map<string, MountEntry>>
  /** Undefined: the auth mount was never configured. */
  authConfig: Fact<KubernetesAuthConfigRead | undefined>
  /** Undefined: no such role on the mount. */
  role: Fact<RoleSpec | undefined>
  /** The policies a login with the role gets: its token_policies and `default`. */
  policies: Fact<NamedPolicy[]>
  /** Other Kubernetes auth mounts that have the role (a sign that auth-path is missing). */
  roleElsewhere: string[]
}

export type VaultState =
  | {reachable: false; error: string; hint?: string}
  | {reachable: true; sealed: true; version?: string}
  | UnsealedVault

/** Reads that the operator's token may not be allowed to make become "cannot tell" rather than failures. */
async function attempt<T>(read: () => Promise<T>): Promise<Fact<T>> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof VsiError && (error.code === 'vault-permission-denied' || error.code === 'vault-token-invalid')) return {unavailable: error.message}
    throw error
  }
}

async function readPolicies(vault: VaultClient, role: RoleSpec): Promise<NamedPolicy[]> {
  const names = [...new Set([...role.policies, 'default'])]
  return Promise.all(names.map(async (name) => ({name, hcl: await readPolicy(vault, name)})))
}

/** Vault's side of the chain, read with the operator's token; only reachability problems are thrown away as state. */
export async function readVaultState(vault: VaultClient, spec: InjectionSpec): Promise<VaultState> {
  let seal: {sealed?: boolean; version?: string; storage_type?: string}
  try {
    // sys/seal-status answers at the top level of the body, without a `data` wrapper.
    seal = ((await vault.read('sys/seal-status')) ?? {}) as typeof seal
  } catch (error) {
    if (error instanceof VsiError) return {reachable: false, error: error.message, hint: error.hint}
    throw error
  }
  if (seal.sealed) return {reachable: true, sealed: true, version: seal.version}

  const [authMounts, authConfig, role] = await Promise.all([
    attempt(() => readAuthMounts(vault)),
    attempt(() => readAuthConfig(vault, spec.authMount)),
    spec.role ? attempt(() => readRole(vault, spec.authMount, spec.role!)) : Promise.resolve(undefined),
  ])
  const policies = role && !('unavailable' in role) ? await attempt(() => readPolicies(vault, role)) : {unavailable: 'the role could not be read'}
  const roleElsewhere: string[] = []
  if (spec.role && role === undefined && authMounts instanceof Map) {
    const others = [...authMounts].filter(([path, entry]) => entry.type === 'kubernetes' && path !== mountKey(spec.authMount)).map(([path]) => trimSlashes(path))
    for (const mount of others) if (await readRole(vault, mount, spec.role).catch(() => undefined)) roleElsewhere.push(mount)
  }
  return {reachable: true, sealed: false, version: seal.version, storageType: seal.storage_type, authMounts, authConfig, role, policies, roleElsewhere}
}
