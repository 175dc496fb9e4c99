/**
 * A dev-mode Vault (`vault server -dev`, the chart's server.dev.enabled) keeps engines, auth methods, policies, roles
 * and secrets in memory: when its pod is deleted or restarted, it comes back with only what a dev server starts
 * with. Doctor recognises that from three facts: in-memory storage, nothing but the dev server's own mounts and
 * policies, and the Vault server pod's age and restart count.
 */
import type {KubeClient} from '../kube/client.js'
import type {VaultClient} from '../vault/client.js'
import {findVaultServerPod} from '../vault/discover.js'
import {readSecretsMounts} from '../vault/mounts.js'
import type {UnsealedVault} from './vault-state.js'

export interface DevMemoryLoss {
  /** namespace/name of the Vault server pod. */
  pod: string
  /** Seconds since the pod (or its Vault container, after a restart) started; undefined when unknown. */
  ageSeconds?: number
  restarts: number
}

/** What `vault server -dev` mounts by itself. */
const DEV_SECRET_MOUNTS = new Set(['cubbyhole/', 'identity/', 'sys/', 'secret/'])

export async function detectDevMemoryLoss(vault: VaultClient, kube: KubeClient, state: UnsealedVault, nowMs = Date.now()): Promise<DevMemoryLoss | undefined> {
  if (state.storageType !== 'inmem' || !(state.authMounts instanceof Map)) return undefined
  if ([...state.authMounts.keys()].some((path) => path !== 'token/')) return undefined
  const [mounts, policies] = await Promise.all([
    readSecretsMounts(vault).catch(() => undefined),
    vault.list('sys/policies/acl').catch(() => undefined),
  ])
  if (!mounts || [...mounts.keys()].some((path) => !DEV_SECRET_MOUNTS.has(path))) return undefined
  if (policies?.some((name) => name !== 'default' && name !== 'root')) return undefined
  const found = await findVaultServerPod(kube).catch(() => undefined)
  if (!found) return undefined
  const pod = await kube.getPod(found.pod, found.namespace).catch(() => undefined)
  const container = pod?.status?.containerStatuses?.find((c) => c.name === 'vault') ?? pod?.status?.containerStatuses?.[0]
  const started = container?.state?.running?.startedAt ?? pod?.status?.startTime
  const ageSeconds = started ? Math.max(0, Math.round((nowMs - new Date(started).getTime()) / 1000)) : undefined
  return {pod: `${found.namespace}/${found.pod}`, ageSeconds, restarts: container?.restartCount ?? 0}
}
