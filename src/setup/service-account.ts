import type {KubeClient} from '../kube/client.js'
import {isAlreadyExists} from '../kube/errors.js'

/** Creates a service account; one that appeared in the meantime (a race, or an interrupted run) is the state wanted. */
export async function createServiceAccountIfMissing(
  kube: KubeClient,
  name: string,
  namespace: string,
  metadata?: Parameters<KubeClient['createServiceAccount']>[2],
): Promise<void> {
  try {
    await kube.createServiceAccount(name, namespace, metadata)
  } catch (error) {
    if (!isAlreadyExists(error)) throw error
  }
}
