/**
 * Where Vault runs, decided by evidence rather than by how vsi reaches it: `kubectl port-forward vault-0 8200` plus
 * VAULT_ADDR=http://127.0.0.1:8200 is still a Vault inside the cluster, which must be configured with the in-cluster
 * API address (its own loopback is not the host's).
 */
import type {KubeClient} from '../kube/client.js'
import {VaultClient, type VaultIdentity} from '../vault/client.js'
import {forwardToVaultPod, VAULT_SERVER_SELECTOR, type VaultServerPod} from '../vault/discover.js'

export type VaultLocationChoice = 'in-cluster' | 'external'

export interface VaultLocation {
  inCluster: boolean
  /** Why, in words, for the plan and `--json`. */
  reason: string
  /** The Vault server pod, when Vault runs in the cluster and vsi found it. */
  pod?: VaultServerPod
}

export interface LocateOptions {
  /** The Vault vsi talks to. */
  vault: VaultClient
  kube: KubeClient
  /** The pod vsi found and forwarded to because no address was given. */
  discovered?: VaultServerPod
  override?: VaultLocationChoice
  /** Finds the Vault server pod without connecting (for an override that needs it). */
  findPod: () => Promise<VaultServerPod | undefined>
}

export async function locateVault(options: LocateOptions): Promise<VaultLocation> {
  const {vault, kube, discovered, override} = options
  if (discovered) return {inCluster: true, reason: `no VAULT_ADDR: vsi found pod ${podName(discovered)} and port-forwards to it`, pod: discovered}
  if (override === 'external') return {inCluster: false, reason: '--vault-location external'}
  if (override === 'in-cluster') return {inCluster: true, reason: '--vault-location in-cluster', pod: await options.findPod()}

  const forwarded = await forwardToVaultPod(kube)
  if (!forwarded) return {inCluster: false, reason: `no Vault server pod (${VAULT_SERVER_SELECTOR}) runs in the cluster`}
  const pod: VaultServerPod = {namespace: forwarded.namespace, pod: forwarded.pod, serviceAccount: forwarded.serviceAccount}
  const podClient = await VaultClient.create({addr: forwarded.addr, skipVerify: true, timeoutMs: vault.timeoutMs})
  try {
    const [mine, theirs] = await Promise.all([vault.identity(), podClient.identity().catch(() => undefined)])
    return compare(mine, theirs, pod, vault.addr)
  } finally {
    podClient.close()
    await forwarded.forward.close()
  }
}

function compare(mine: VaultIdentity, theirs: VaultIdentity | undefined, pod: VaultServerPod, addr: string): VaultLocation {
  const name = podName(pod)
  if (theirs === undefined) return {inCluster: false, reason: `pod ${name} did not answer through a port-forward, so ${addr} is taken to be another Vault`}
  if (mine.clusterId === undefined || theirs.clusterId === undefined) {
    return {
      inCluster: false,
      reason: `cannot compare ${addr} with pod ${name}: ${mine.clusterId === undefined ? addr : name} is sealed (no cluster_id); use --vault-location to decide`,
    }
  }
  if (mine.clusterId === theirs.clusterId) {
    return {inCluster: true, reason: `${addr} is pod ${name} (same cluster_id ${mine.clusterId}, ${mine.clusterName ?? 'unnamed'})`, pod}
  }
  return {
    inCluster: false,
    reason: `${addr} is Vault cluster ${mine.clusterName ?? mine.clusterId}, not pod ${name} (${theirs.clusterName ?? theirs.clusterId})`,
  }
}

const podName = (pod: VaultServerPod) => `${pod.namespace}/${pod.pod}`
