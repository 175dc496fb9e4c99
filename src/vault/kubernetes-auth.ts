import {formatSeconds} from '../duration.js'
import {registerSecret} from '../output/redact.js'
import type {VaultClient} from './client.js'
import {trimSlashes} from './mounts.js'

/** What vsi writes to auth/<path>/config. The reviewer JWT is write-only: Vault only says whether one is set. */
export interface KubernetesAuthConfig {
  kubernetes_host: string
  kubernetes_ca_cert?: string
  token_reviewer_jwt?: string
}

export interface KubernetesAuthConfigRead {
  kubernetes_host?: string
  kubernetes_ca_cert?: string
  token_reviewer_jwt_set?: boolean
  disable_local_ca_jwt?: boolean
}

export async function readAuthConfig(vault: VaultClient, authPath: string): Promise<KubernetesAuthConfigRead | undefined> {
  return (await vault.read<KubernetesAuthConfigRead>(`auth/${trimSlashes(authPath)}/config`))?.data
}

export async function writeAuthConfig(vault: VaultClient, authPath: string, config: KubernetesAuthConfig): Promise<void> {
  registerSecret(config.token_reviewer_jwt)
  await vault.write(`auth/${trimSlashes(authPath)}/config`, config, {idempotent: true})
}

/**
 * What differs between the live config and the wanted one (empty: nothing to write). `reviewerJwtKnown` says the
 * reviewer JWT Vault holds is the wanted one (vsi cannot read it back, only whether one is set).
 */
export function authConfigChanges(current: KubernetesAuthConfigRead | undefined, wanted: KubernetesAuthConfig, reviewerJwtKnown: boolean): string[] {
  if (!current) return ['not configured']
  const changes: string[] = []
  if ((current.kubernetes_host ?? '') !== wanted.kubernetes_host) changes.push(`kubernetes_host ${current.kubernetes_host || '(none)'} → ${wanted.kubernetes_host}`)
  if ((current.kubernetes_ca_cert ?? '').trim() !== (wanted.kubernetes_ca_cert ?? '').trim()) {
    changes.push(wanted.kubernetes_ca_cert ? 'kubernetes_ca_cert' : 'kubernetes_ca_cert removed (Vault uses its pod CA)')
  }
  const jwtSet = current.token_reviewer_jwt_set === true
  if (wanted.token_reviewer_jwt === undefined && jwtSet) changes.push('token_reviewer_jwt removed (Vault uses its own service account)')
  if (wanted.token_reviewer_jwt !== undefined && (!jwtSet || !reviewerJwtKnown)) changes.push('token_reviewer_jwt')
  if (current.disable_local_ca_jwt === true && wanted.token_reviewer_jwt === undefined) changes.push('disable_local_ca_jwt true → false')
  return changes
}

export interface RoleSpec {
  serviceAccounts: string[]
  namespaces: string[]
  policies: string[]
  ttlSeconds: number
  audience?: string
}

interface RoleRead {
  bound_service_account_names?: string[]
  bound_service_account_namespaces?: string[]
  token_policies?: string[]
  token_ttl?: number
  audience?: string
}

export async function readRole(vault: VaultClient, authPath: string, name: string): Promise<RoleSpec | undefined> {
  const data = (await vault.read<RoleRead>(`auth/${trimSlashes(authPath)}/role/${name}`))?.data
  if (!data) return undefined
  return {
    serviceAccounts: data.bound_service_account_names ?? [],
    namespaces: data.bound_service_account_namespaces ?? [],
    policies: data.token_policies ?? [],
    ttlSeconds: data.token_ttl ?? 0,
    audience: data.audience || undefined,
  }
}

export async function writeRole(vault: VaultClient, authPath: string, name: string, spec: RoleSpec): Promise<void> {
  await vault.write(
    `auth/${trimSlashes(authPath)}/role/${name}`,
    {
      bound_service_account_names: spec.serviceAccounts,
      bound_service_account_namespaces: spec.namespaces,
      token_policies: spec.policies,
      token_ttl: spec.ttlSeconds,
      // An empty audience clears one set before: the role is written whole.
      audience: spec.audience ?? '',
    },
    {idempotent: true},
  )
}

export async function deleteRole(vault: VaultClient, authPath: string, name: string): Promise<void> {
  await vault.delete(`auth/${trimSlashes(authPath)}/role/${name}`)
}

/** Field-by-field differences, worded for the plan ("ttl 1h → 24h"); empty when the role is as wanted. */
export function roleChanges(current: RoleSpec, wanted: RoleSpec): string[] {
  const changes: string[] = []
  const list = (values: string[]) => (values.length === 0 ? '(none)' : values.join(','))
  const compareList = (label: string, a: string[], b: string[]) => {
    if (list([...a].sort()) !== list([...b].sort())) changes.push(`${label} ${list(a)} → ${list(b)}`)
  }
  compareList('service accounts', current.serviceAccounts, wanted.serviceAccounts)
  compareList('namespaces', current.namespaces, wanted.namespaces)
  compareList('policies', current.policies, wanted.policies)
  if (current.ttlSeconds !== wanted.ttlSeconds) changes.push(`ttl ${formatSeconds(current.ttlSeconds)} → ${formatSeconds(wanted.ttlSeconds)}`)
  if ((current.audience ?? '') !== (wanted.audience ?? '')) changes.push(`audience ${current.audience ?? '(none)'} → ${wanted.audience ?? '(none)'}`)
  return changes
}

/** Logs in with a service account JWT; returns the Vault token (registered as secret). */
export async function kubernetesLogin(vault: VaultClient, authPath: string, role: string, jwt: string): Promise<{token: string; policies: string[]}> {
  registerSecret(jwt)
  const anonymous = await vault.withToken(undefined)
  const response = await anonymous.request<unknown>('POST', `auth/${trimSlashes(authPath)}/login`, {role, jwt}, {login: true})
  const token = response?.auth?.client_token
  if (!token) throw new Error(`Vault answered the login at auth/${trimSlashes(authPath)}/login without a token`)
  registerSecret(token)
  return {token, policies: response?.auth?.policies ?? []}
}

export async function revokeSelf(vault: VaultClient): Promise<void> {
  await vault.write('auth/token/revoke-self', {})
}
