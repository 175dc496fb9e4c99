/** Everything `vsi setup` needs to know, after flags and prompts. */
export interface SetupInputs {
  /** KV v2 mount, without slashes: `internal`. */
  kvPath: string
  /** Kubernetes auth mount, without slashes: `kubernetes`. */
  authPath: string
  /** Where the app's service account (and, with Vault outside the cluster, `vault-auth`) live. */
  namespace: string
  secret?: {
    /** `internal/database/config`. */
    path: string
    /** Undefined: the secret must already exist (or values are asked for). */
    data?: Record<string, string>
  }
  app?: {
    name: string
    ttlSeconds: number
    audience?: string
  }
  /** Vault runs in the cluster: it reviews tokens with its own service account. */
  vaultInCluster: boolean
  /** --kubernetes-host: the API server address written to the auth method's config, instead of the default. */
  kubernetesHost?: string
  /** true: always log in to prove it works; false: never; undefined: when something changed. */
  verify?: boolean
}

/** The service account, binding and token Secret vsi creates for a Vault outside the cluster. */
export const REVIEWER_SERVICE_ACCOUNT = 'vault-auth'
export const REVIEWER_TOKEN_SECRET = 'vault-auth-token'
export const reviewerBindingName = (namespace: string) => `vault-auth-delegator-${namespace}`

/** Where Vault inside the cluster reaches the API server. */
export const IN_CLUSTER_KUBERNETES_HOST = 'https://kubernetes.default.svc:443'
