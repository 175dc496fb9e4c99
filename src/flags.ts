import {Flags} from '@oclif/core'

import {usageError} from './errors.js'

/** Cluster selection, spelled as kubectl spells it. */
export const kubeFlags = {
  kubeconfig: Flags.string({
    description: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).',
    helpGroup: 'KUBERNETES',
  }),
  context: Flags.string({description: 'The kubeconfig context to use.', helpGroup: 'KUBERNETES'}),
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
}

export interface Assignment {
  key: string
  value: string
}

/** Parses `key=value` as given to flags like `--secret` and `--expect`; the value may itself contain `=`. */
export function parseAssignment(raw: string, flag: string, what = 'key=value'): Assignment {
  const at = raw.indexOf('=')
  if (at < 0) throw usageError(`--${flag} ${JSON.stringify(raw)}: expected ${what}`)
  const key = raw.slice(0, at).trim()
  if (key === '') throw usageError(`--${flag} ${JSON.stringify(raw)}: the name before "=" is empty`)
  return {key, value: raw.slice(at + 1)}
}
