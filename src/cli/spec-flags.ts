import {Flags} from '@oclif/core'

import {kubeFlags, vaultFlags} from './flags.js'

/** The flags of every command that works from vsi.yaml. */
export const specFlags = {
  file: Flags.string({char: 'f', description: 'The vsi.yaml file.', required: true}),
  app: Flags.string({description: 'Only this app of the file (repeatable).', multiple: true}),
  'vault-in-cluster': Flags.boolean({description: 'Vault runs in the cluster (implied when vsi found it there): it reviews tokens with its own service account.'}),
  ...vaultFlags,
  ...kubeFlags,
}
