import {Flags} from '@oclif/core'

import {parseTimeout} from '../duration.js'

/**
 * Cluster selection, spelled as kubectl spells it, for commands that reach the cluster only to find the Vault server
 * in it: no namespace applies there, so they offer no -n.
 */
export const clusterFlags = {
  kubeconfig: Flags.string({
    description: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).',
    helpGroup: 'KUBERNETES',
  }),
  context: Flags.string({description: 'The kubeconfig context to use.', helpGroup: 'KUBERNETES'}),
}

/** Cluster selection with the Kubernetes namespace (-n), for commands that act on objects in a namespace. */
export const kubeFlags = {
  ...clusterFlags,
  namespace: Flags.string({
    char: 'n',
    description: "Namespace (default: the context's namespace, then default).",
    helpGroup: 'KUBERNETES',
  }),
}

/** Vault selection, as the vault CLI takes it; the VAULT_* environment variables are read by the Vault client. */
export const vaultFlags = {
  'vault-addr': Flags.string({
    description: 'Vault address (default: $VAULT_ADDR; when unset, the Vault server is found in the cluster).',
    helpGroup: 'VAULT',
  }),
  'vault-token': Flags.string({
    description: 'Vault token (default: $VAULT_TOKEN, then ~/.vault-token). Prefer the variable: flags end up in shell history.',
    helpGroup: 'VAULT',
  }),
  'vault-namespace': Flags.string({description: 'Vault Enterprise namespace (default: $VAULT_NAMESPACE).', helpGroup: 'VAULT'}),
  'vault-ca-cert': Flags.string({description: "PEM file of the CA that signed Vault's certificate (default: $VAULT_CACERT).", helpGroup: 'VAULT'}),
  'vault-ca-path': Flags.string({description: 'Directory of PEM CA certificates (default: $VAULT_CAPATH).', helpGroup: 'VAULT'}),
  'vault-client-cert': Flags.string({description: 'PEM client certificate for Vault listeners that require one (default: $VAULT_CLIENT_CERT).', helpGroup: 'VAULT'}),
  'vault-client-key': Flags.string({description: "PEM private key of --vault-client-cert (default: $VAULT_CLIENT_KEY).", helpGroup: 'VAULT'}),
  'vault-tls-server-name': Flags.string({description: "Name to use as SNI and to check Vault's certificate against (default: $VAULT_TLS_SERVER_NAME).", helpGroup: 'VAULT'}),
  'vault-tls-skip-verify': Flags.boolean({description: "Do not verify Vault's certificate; for tests only (default: $VAULT_SKIP_VERIFY).", helpGroup: 'VAULT'}),
  'vault-client-timeout': Flags.string({description: 'How long one Vault call may take, retries included (default: $VAULT_CLIENT_TIMEOUT, then 60s).', helpGroup: 'VAULT'}),
}

/** A kubectl-style --timeout, in milliseconds. */
export const timeoutFlag = (description: string, defaultValue: string) =>
  Flags.custom<number>({
    description,
    default: async () => parseTimeout(defaultValue),
    defaultHelp: async () => defaultValue,
    parse: async (input) => parseTimeout(input),
  })()

/** The flags `vsi patch` gains for applying its patch to a live workload. */
export const applyFlags = {
  apply: Flags.string({
    exclusive: ['filename'],
    description: 'Apply the patch to this workload (deployment/NAME, statefulset/NAME or daemonset/NAME) as `kubectl patch` does, then wait for the rollout.',
    helpValue: 'WORKLOAD',
    helpGroup: 'APPLY',
  }),
  timeout: timeoutFlag('With --apply: how long to wait for the rollout (e.g. 90s, 5m).', '5m'),
  wait: Flags.boolean({
    description: 'With --apply: wait until the rollout is complete (--no-wait returns once the patch is written).',
    default: true,
    allowNo: true,
    helpGroup: 'APPLY',
  }),
  ...kubeFlags,
}
