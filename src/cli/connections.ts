import type {KubeClient} from '../kube/client.js'
import type {KubeConfigOptions} from '../kube/config.js'
import {openVaultSession, type VaultSession} from '../vault/session.js'
import type {VaultFlagValues} from '../vault/settings.js'

/** Runs `work` with a Vault session (and the lazily connected cluster), closing the session (port-forward) after. */
export async function withVaultSession<T>(
  flags: VaultFlagValues & KubeConfigOptions,
  notice: (line: string) => void,
  work: (session: VaultSession, kube: () => Promise<KubeClient>) => Promise<T>,
  kube: () => Promise<KubeClient> = lazyKube(flags),
): Promise<T> {
  const session = await openVaultSession({flags, kube, notice})
  try {
    return await work(session, kube)
  } finally {
    await session.close()
  }
}

/** One cluster connection per command, made on first use. */
export function lazyKube(flags: KubeConfigOptions): () => Promise<KubeClient> {
  let connecting: Promise<KubeClient> | undefined
  return () => {
    connecting ??= import('../kube/client.js').then(({connectKube}) => connectKube(flags))
    return connecting
  }
}
