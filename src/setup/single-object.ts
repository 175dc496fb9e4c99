/**
 * The plans of `vsi role create` and `vsi policy create`: the steps setup builds for the same objects
 * (./object-steps.ts), read against the live state; the command runs them with runStepsOrThrow (./steps.ts).
 */
import {settleAll} from '../async.js'
import {formatSeconds} from '../duration.js'
import type {KubeClient} from '../kube/client.js'
import type {VaultClient} from '../vault/client.js'
import {readRole, type RoleSpec} from '../vault/kubernetes-auth.js'
import {readPolicy} from '../vault/policy.js'
import {policyStep, roleStep, serviceAccountStep} from './object-steps.js'
import type {Step} from './steps.js'

/** The policy's step; its text may still be on its way (read from the KV mount) while the current policy is read. */
export async function planPolicy(vault: VaultClient, name: string, hcl: string | Promise<string>): Promise<{step: Step; hcl: string}> {
  const [text, current] = await settleAll([hcl, readPolicy(vault, name)])
  return {step: policyStep(vault, {name, hcl: text, current}), hcl: text}
}

export interface RolePlanOptions {
  authPath: string
  name: string
  /** The role wanted; its one namespace is where the service accounts are created. */
  wanted: RoleSpec
  /** The cluster to create the service accounts in; none with --no-service-account. */
  cluster?: KubeClient
}

export interface RolePlan {
  steps: Step[]
  /** Policies the role names that Vault does not have (yet). */
  missingPolicies: string[]
}

export async function planRole(vault: VaultClient, {authPath, name, wanted, cluster}: RolePlanOptions): Promise<RolePlan> {
  const namespace = wanted.namespaces[0]
  // Patterns (`*`, `app-?`) and the any-namespace `*` name no account to create.
  const creatable = cluster ? wanted.serviceAccounts.filter((account) => !/[*?]/.test(account) && namespace !== '*') : []
  const [current, policies, accounts] = await settleAll([
    readRole(vault, authPath, name),
    settleAll(wanted.policies.map(async (policy) => ((await readPolicy(vault, policy)) === undefined ? policy : undefined))),
    settleAll(creatable.map(async (account) => ({account, exists: (await cluster!.findServiceAccount(account, namespace)) !== undefined}))),
  ])
  const target =
    `role ${name} (auth/${authPath}): service accounts ${wanted.serviceAccounts.join(',')}, namespace ${namespace}, ` +
    `policies ${wanted.policies.join(',')}, ttl ${formatSeconds(wanted.ttlSeconds)}${wanted.audience ? `, audience ${wanted.audience}` : ''}`
  const steps = [
    roleStep(vault, {authPath, name, wanted, current, target}),
    // A service account is created only once its role is written, as the command always did.
    ...accounts.map(({account, exists}) => serviceAccountStep(cluster!, {account, namespace, exists, after: ['role']})),
  ]
  return {steps, missingPolicies: policies.filter((policy) => policy !== undefined)}
}
