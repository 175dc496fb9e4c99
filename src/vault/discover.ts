import type {V1Container, V1Pod} from '@kubernetes/client-node'

import {VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {isForbidden} from '../kube/errors.js'
import type {PortForwardHandle} from '../kube/port-forward.js'

/** The Helm chart's labels on the Vault server pods, whatever the release is called (reference/vault-helm.md §2). */
export const VAULT_SERVER_SELECTOR = 'app.kubernetes.io/name=vault,component=server'

export interface DiscoveredVault extends VaultServerPod {
  /** `VAULT_DEV_ROOT_TOKEN_ID` of a dev-mode server; undefined otherwise. */
  devRootToken?: string
  forward: PortForwardHandle
  /** The address to use through the forward. */
  addr: string
}

export interface VaultServerPod {
  namespace: string
  pod: string
  /** The pod's service account: the chart binds it to system:auth-delegator. */
  serviceAccount: string
}

/** The Vault server pod the chart runs, if any (no connection to it). */
export async function findVaultServerPod(kube: KubeClient): Promise<VaultServerPod | undefined> {
  const pod = pickPod(await listVaultPods(kube))
  return pod && describePod(pod, kube)
}

function describePod(pod: V1Pod, kube: KubeClient): VaultServerPod {
  return {namespace: pod.metadata?.namespace ?? kube.namespace, pod: pod.metadata?.name ?? '', serviceAccount: pod.spec?.serviceAccountName ?? 'default'}
}

/** Finds the Vault server pod by the chart's labels and port-forwards to its API port. */
export async function discoverVault(kube: KubeClient): Promise<DiscoveredVault> {
  const found = await forwardToVaultPod(kube)
  if (!found) {
    throw new VsiError(`VAULT_ADDR is not set and no Vault server pod (${VAULT_SERVER_SELECTOR}) runs in the cluster${kube.context ? ` of context "${kube.context}"` : ''}`, {
      code: 'vault-not-in-cluster',
      hint: 'Install Vault in dev mode and the Agent Injector with: vsi install (it runs helm for you), or point vsi at your Vault with VAULT_ADDR or --vault-addr.',
    })
  }
  return found
}

/** The Vault server pod the chart runs, port-forwarded to its API port; undefined when there is none. */
export async function forwardToVaultPod(kube: KubeClient): Promise<DiscoveredVault | undefined> {
  const pod = pickPod(await listVaultPods(kube))
  if (!pod) return undefined
  const {namespace, pod: name, serviceAccount} = describePod(pod, kube)
  const container = pod.spec?.containers.find((c) => c.name === 'vault') ?? pod.spec?.containers[0]
  const port = container?.ports?.find((p) => p.name === 'http')?.containerPort ?? 8200
  const forward = await kube.portForward(name, port, {namespace})
  const scheme = envValue(container, 'VAULT_ADDR')?.startsWith('https:') ? 'https' : 'http'
  return {
    namespace,
    pod: name,
    serviceAccount,
    // Set by the chart only in dev mode (server.dev.devRootToken).
    devRootToken: envValue(container, 'VAULT_DEV_ROOT_TOKEN_ID'),
    forward,
    addr: `${scheme}://127.0.0.1:${forward.localPort}`,
  }
}

async function listVaultPods(kube: KubeClient): Promise<V1Pod[]> {
  try {
    return await kube.listPods({allNamespaces: true, labelSelector: VAULT_SERVER_SELECTOR})
  } catch (error) {
    // Users allowed only their own namespace still find a Vault installed there.
    if (isForbidden(error)) return kube.listPods({labelSelector: VAULT_SERVER_SELECTOR})
    throw error
  }
}

/** A running pod, ready ones first, then by name so the choice is stable. */
function pickPod(pods: V1Pod[]): V1Pod | undefined {
  const ready = (pod: V1Pod) => (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 1 : 0)
  const running = pods.filter((pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running')
  return running.sort((a, b) => ready(b) - ready(a) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0]
}

function envValue(container: V1Container | undefined, name: string): string | undefined {
  return container?.env?.find((entry) => entry.name === name)?.value
}

