import {inputError} from '../errors.js'
import type {VaultClient} from './client.js'
import {kvApiPath, type KvLocation} from './kv-path.js'

export interface PolicyRule {
  path: string
  capabilities: string[]
}

/** Vault's capability words (vault/policy.go); anything else makes Vault reject the policy. */
export const CAPABILITIES = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'subscribe', 'recover'] as const

/** Vault stores policy names lower-cased; vsi does the same so that re-runs compare like with like. */
export function normalizePolicyName(name: string): string {
  const clean = name.trim().toLowerCase()
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(clean)) {
    throw inputError(`policy name ${JSON.stringify(name)} is not valid`, 'Use letters, digits, ".", "_" and "-".')
  }
  return clean
}

/** Vault refuses to change these; asking would only end in its 400. */
export function assertWritablePolicy(name: string): void {
  if (name === 'root') throw inputError('the "root" policy cannot be changed')
}

export function parseCapabilities(list: string[]): string[] {
  const words = list.flatMap((item) => item.split(',')).map((word) => word.trim().toLowerCase()).filter(Boolean)
  const unknown = words.filter((word) => !(CAPABILITIES as readonly string[]).includes(word))
  if (unknown.length > 0) {
    throw inputError(`unknown capability: ${unknown.join(', ')}`, `Capabilities are: ${CAPABILITIES.join(', ')}.`)
  }
  if (words.length === 0) throw inputError('no capabilities given', `Capabilities are: ${CAPABILITIES.join(', ')}.`)
  return [...new Set(words)]
}

export function validatePolicyPath(path: string): void {
  // The path is written inside an HCL string: quotes, backslashes and control characters would change the policy.
  if (path.trim() === '' || /["\\\p{Cc}]/u.test(path)) {
    throw inputError(`policy path ${JSON.stringify(path)} is not valid`, 'Give a Vault path such as internal/database/config or internal/*.')
  }
}

/**
 * Rules for a KV path: on v2, list is granted on `metadata/` and everything else on `data/`; on v1 the path itself.
 * Paths that already carry `data/` or `metadata/` are kept.
 */
export function kvPolicyRules(path: string, location: Pick<KvLocation, 'mount' | 'version'>, capabilities: string[]): PolicyRule[] {
  if (location.version === 1) return [{path, capabilities}]
  const onData = capabilities.filter((capability) => capability !== 'list')
  const onMetadata = capabilities.filter((capability) => capability === 'list' || capability === 'deny')
  const rules: PolicyRule[] = []
  if (onData.length > 0) rules.push({path: kvApiPath(path, location.mount, 2, 'data', true), capabilities: onData})
  if (capabilities.includes('list')) rules.push({path: kvApiPath(path, location.mount, 2, 'metadata', true), capabilities: onMetadata})
  return rules
}

/** The HCL `vault policy write` would be given, as the tutorial writes it. */
export function renderPolicy(rules: PolicyRule[]): string {
  return rules
    .map((rule) => `path "${rule.path}" {\n  capabilities = [${rule.capabilities.map((c) => `"${c}"`).join(', ')}]\n}\n`)
    .join('\n')
}

export async function readPolicy(vault: VaultClient, name: string): Promise<string | undefined> {
  const response = await vault.read<{policy?: string}>(`sys/policies/acl/${name}`)
  return response?.data?.policy
}

export async function writePolicy(vault: VaultClient, name: string, hcl: string): Promise<void> {
  await vault.write(`sys/policies/acl/${name}`, {policy: hcl}, {idempotent: true})
}

export async function deletePolicy(vault: VaultClient, name: string): Promise<void> {
  await vault.delete(`sys/policies/acl/${name}`)
}

/** Whitespace at the ends does not change a policy; anything else does. */
export function samePolicy(a: string | undefined, b: string): boolean {
  return a !== undefined && a.trim() === b.trim()
}
