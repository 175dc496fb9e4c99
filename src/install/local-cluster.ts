/**
 * Dev mode keeps Vault's data in memory with a known root token: fine on a laptop cluster, wrong anywhere else.
 * These are the context names and API addresses the local distributions write into the kubeconfig.
 */
const LOCAL_CONTEXTS: Array<[RegExp, string]> = [
  [/^minikube$/, 'minikube'],
  [/^kind-/, 'kind'],
  [/^k3d-/, 'k3d'],
  [/^docker-desktop$|^docker-for-desktop$/, 'Docker Desktop'],
  [/^rancher-desktop$/, 'Rancher Desktop'],
  [/^orbstack$/, 'OrbStack'],
  [/^colima/, 'Colima'],
  [/^microk8s$/, 'MicroK8s'],
]

/** The local distribution the context looks like, or undefined when it looks like a shared cluster. */
export function localClusterKind(context: string | undefined, server: string): string | undefined {
  for (const [pattern, kind] of LOCAL_CONTEXTS) if (context && pattern.test(context)) return kind
  const host = hostOf(server)
  if (host === 'localhost' || host === 'host.docker.internal' || host === '::1' || host?.startsWith('127.')) return 'a cluster on this machine'
  return undefined
}

function hostOf(server: string): string | undefined {
  try {
    return new URL(server).hostname.replace(/^\[|\]$/g, '')
  } catch {
    return undefined
  }
}
