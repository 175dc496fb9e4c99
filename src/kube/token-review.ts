/**
 * What Vault's Kubernetes auth method needs from the cluster (added for `vsi setup`): who may call the TokenReview
 * API (ClusterRoleBindings to system:auth-delegator), and the API server's address and CA as the kubeconfig has them.
 *
 *   findAuthDelegatorBinding(kube, namespace, serviceAccount) → binding name | undefined
 *   clusterCaPem(kube) → PEM | undefined
 */
import type {V1ClusterRoleBinding} from '@kubernetes/client-node'
import {readFile} from 'node:fs/promises'

import {inputError} from '../errors.js'
import type {KubeClient} from './client.js'
import {isForbidden} from './errors.js'

export const AUTH_DELEGATOR = 'system:auth-delegator'

function bindsServiceAccount(binding: V1ClusterRoleBinding, namespace: string, serviceAccount: string): boolean {
  return (
    binding.roleRef.kind === 'ClusterRole' &&
    binding.roleRef.name === AUTH_DELEGATOR &&
    (binding.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === namespace)
  )
}

/**
 * The ClusterRoleBinding that grants the service account system:auth-delegator, if any. Lists all bindings; when
 * listing is forbidden, looks only at `expectedName` (e.g. the Helm chart's `<release>-server-binding`).
 */
export async function findAuthDelegatorBinding(kube: KubeClient, namespace: string, serviceAccount: string, expectedName?: string): Promise<string | undefined> {
  try {
    const bindings = await kube.listClusterRoleBindings()
    return bindings.find((binding) => bindsServiceAccount(binding, namespace, serviceAccount))?.metadata?.name
  } catch (error) {
    if (!isForbidden(error) || expectedName === undefined) throw error
  }
  const binding = await kube.findClusterRoleBinding(expectedName)
  return binding && bindsServiceAccount(binding, namespace, serviceAccount) ? expectedName : undefined
}

/** The cluster CA of the current context, as PEM (certificate-authority-data or certificate-authority). */
export async function clusterCaPem(kube: KubeClient): Promise<string | undefined> {
  const {data, file} = kube.clusterCa
  if (data) return Buffer.from(data, 'base64').toString('utf8')
  if (!file) return undefined
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw inputError(`cannot read the cluster CA ${file} named by the kubeconfig: ${(error as Error).message}`)
  }
}
