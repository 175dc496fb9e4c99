/**
 * Dev mode keeps Vault's data in memory with a known root token: fine on a laptop cluster, wrong anywhere else.
 * These are the context names the local distributions write into the kubeconfig. The API address is no guide:
 * a tunnel to a shared cluster is also 127.0.0.1, so an unknown name gets the warning.
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

/** The local distribution the context looks like, or undefined when it may be a shared cluster. */
export function localClusterKind(context: string | undefined): string | undefined {
  return LOCAL_CONTEXTS.find(([pattern]) => context !== undefined && pattern.test(context))?.[1]
}
