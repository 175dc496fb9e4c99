/** Where the auth method's steps work: the mounts, the namespace of the reviewer account, and where Vault runs. */
export interface SetupInputs {
  /** KV v2 mount, without slashes: `internal`. */
  kvPath: string
  /** Kubernetes auth mount, without slashes: `kubernetes`. */
  authPath: string
  /** The kubeconfig context's namespace: with Vault outside the cluster, `vault-auth` lives there. */
  namespace: string
  /** Vault runs in the cluster: it reviews tokens with its own service account. */
  vaultInCluster: boolean
  /** --kubernetes-host: the API server address written to the auth method's config, instead of the default. */
  kubernetesHost?: string
}

/** The service account, binding and token Secret vsi creates for a Vault outside the cluster. */
export const REVIEWER_SERVICE_ACCOUNT = 'vault-auth'
export const REVIEWER_TOKEN_SECRET = 'vault-auth-token'
export const reviewerBindingName = (namespace: string) => `vault-auth-delegator-${namespace}`

/** Where Vault inside the cluster reaches the API server. */
export const IN_CLUSTER_KUBERNETES_HOST = 'https://kubernetes.default.svc:443'
