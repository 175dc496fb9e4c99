/**
 * Ties the Vault emulator's process to the emulated pod that runs it (the chart's `vault-0`): when the pod is
 * deleted (the StatefulSet creates it anew) or its `vault` container restarts, `vault server -dev` starts afresh and,
 * keeping everything in memory, loses its engines, auth methods, policies, roles, tokens and secrets; the root token
 * comes back (the chart passes it as -dev-root-token-id). The only coupling is this watcher: neither emulator knows
 * the other.
 */
import type {KubeEmulator, KubeObject} from './kube/index.js'
import type {VaultEmulator} from './vault/index.js'

const restarts = (pod: KubeObject): number =>
  ((pod.status?.containerStatuses ?? []) as Array<{name: string; restartCount?: number}>).find((c) => c.name === 'vault')?.restartCount ?? 0

export function followVaultPod(kube: KubeEmulator, vault: VaultEmulator, namespace = 'default', name = 'vault-0'): void {
  const current = kube.store.get('Pod', namespace, name)
  let uid = current?.metadata.uid
  let seenRestarts = current ? restarts(current) : 0
  void (async () => {
    for (;;) {
      const pod = await kube.waitFor('Pod', namespace, name, (p) => p.metadata.uid !== uid || restarts(p) > seenRestarts)
      uid = pod.metadata.uid
      seenRestarts = restarts(pod)
      vault.restart()
    }
  })()
}
