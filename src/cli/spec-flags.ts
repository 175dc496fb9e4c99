import {Flags} from '@oclif/core'

import {kubeFlags, vaultFlags} from './flags.js'

/** The flags of every command that works from vsi.yaml. */
export const specFlags = {
  file: Flags.string({char: 'f', description: 'The vsi.yaml file.', required: true}),
  app: Flags.string({description: 'Only this app of the file (repeatable).', multiple: true}),
  'vault-location': Flags.string({
    description:
      'Where Vault runs (default: decided as vsi setup does, by comparing the cluster_id of the Vault at the address with that of the Vault server pod): in-cluster Vault reviews tokens with its own service account.',
    options: ['in-cluster', 'external'],
  }),
  'vault-in-cluster': Flags.boolean({description: 'Same as --vault-location in-cluster.', hidden: true, exclusive: ['vault-location']}),
  ...vaultFlags,
  ...kubeFlags,
}
