/**
 * The live state behind a vsi.yaml, read in one round of concurrent requests (Vault and the cluster), so that the
 * number of dependent round trips does not grow with the number of apps.
 */
import type {V1ServiceAccount} from '@kubernetes/client-node'

import type {KubeClient, Workload} from '../../kube/client.js'
import {isNotFound} from '../../kube/errors.js'
import {formatRef} from '../../kube/workload.js'
import type {VaultClient} from '../../vault/client.js'
import type {VaultServerPod} from '../../vault/discover.js'
import {readAuthConfig, readRole, type KubernetesAuthConfigRead, type RoleSpec} from '../../vault/kubernetes-auth.js'
import {readKvSecret, type KvSecret} from '../../vault/kv.js'
import {readAuthMounts, readSecretsMounts, type MountEntry} from '../../vault/mounts.js'
import {readPolicy} from '../../vault/policy.js'
import {settleAll} from '../../async.js'
import {inClusterDelegatorStep, readReviewerState, type ReviewerState} from '../auth-steps.js'
import type {Step} from '../steps.js'
import {kvLocation, type PlacedApp} from './desired.js'
import type {Spec} from './file.js'

export interface EngineContext {
  vault: VaultClient
  kube: KubeClient
  spec: Spec
  /** The apps this run is about (all, or those named by --app). */
  apps: PlacedApp[]
  /** Vault runs in the cluster: it reviews tokens with its own service account. */
  vaultInCluster: boolean
  vaultPod?: VaultServerPod
  /** --kubernetes-host: the API server address for the auth method's config, instead of the default. */
  kubernetesHost?: string
  /** Mark what vsi creates as vsi's (./ownership.ts); vsi setup leaves objects unmarked, as it always has. */
  markOwnership: boolean
}

export interface AppState {
  policy?: string
  role?: RoleSpec
  account?: V1ServiceAccount
  /** By `deployment/name`; undefined when the workload does not exist. */
  workloads: Map<string, Workload | undefined>
}

export interface CurrentState {
  mounts: Map<string, MountEntry>
  auths: Map<string, MountEntry>
  authConfig?: KubernetesAuthConfigRead
  reviewer?: ReviewerState
  delegator?: Step
  /** By KV path. */
  secrets: Map<string, KvSecret | undefined>
  /** The policies apps list in `policies:` that no app of this run writes, by name: their text, undefined if absent. */
  extraPolicies: Map<string, string | undefined>
  apps: Map<string, AppState>
}

async function findWorkload(kube: KubeClient, app: PlacedApp, ref: PlacedApp['workloads'][number]): Promise<Workload | undefined> {
  try {
    return await kube.getWorkload(ref, app.namespace)
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

export async function readCurrent(context: EngineContext): Promise<CurrentState> {
  const {vault, kube, spec, apps} = context
  const paths = [...new Set([...(spec.secrets ?? []), ...apps.flatMap((app) => app.secrets)].map((secret) => secret.path))]
  const written = new Set(apps.map((app) => app.name))
  const extra = [...new Set(apps.flatMap((app) => app.policies))].filter((name) => !written.has(name))
  const appReads = apps.map(async (app): Promise<[string, AppState]> => {
    const [policy, role, account, workloads] = await settleAll([
      readPolicy(vault, app.name),
      readRole(vault, spec.authPath, app.name),
      kube.findServiceAccount(app.serviceAccount, app.namespace),
      settleAll(app.workloads.map(async (ref) => [formatRef(ref), await findWorkload(kube, app, ref)] as const)),
    ])
    return [app.name, {policy, role, account, workloads: new Map(workloads)}]
  })
  const [mounts, auths, authConfig, reviewer, delegator, secrets, extraPolicies, appStates] = await settleAll([
    readSecretsMounts(vault),
    readAuthMounts(vault),
    readAuthConfig(vault, spec.authPath),
    context.vaultInCluster ? undefined : readReviewerState(kube, kube.namespace),
    context.vaultInCluster && context.vaultPod ? inClusterDelegatorStep(kube, context.vaultPod) : undefined,
    settleAll(paths.map(async (path) => [path, await readKvSecret(vault, kvLocation(spec, path))] as const)),
    settleAll(extra.map(async (name) => [name, await readPolicy(vault, name)] as const)),
    settleAll(appReads),
  ])
  return {mounts, auths, authConfig, reviewer, delegator, secrets: new Map(secrets), extraPolicies: new Map(extraPolicies), apps: new Map(appStates)}
}
