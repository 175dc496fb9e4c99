import {Flags} from '@oclif/core'

import {canPrompt} from '../output/terminal.js'
import type {KubeConfigOptions} from '../kube/config.js'
import type {VaultFlagValues} from '../vault/settings.js'
import {lazyKube} from './connections.js'
import {kubeFlags, vaultFlags} from './flags.js'
import {stderrNotice} from './notice.js'

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

type SpecFlagValues = VaultFlagValues & KubeConfigOptions & {file: string; app?: string[]}

/**
 * How a vsi.yaml command (plan, apply, destroy) opens the spec engine, as its flags and terminal say: the file and
 * --app, the connection flags, the cluster connected on first use, prompts only on a terminal without --json, and
 * notices and warnings into the command's output.
 */
export function specOpening<F extends SpecFlagValues>(command: {jsonEnabled(): boolean; warn(message: string): unknown}, flags: F) {
  const json = command.jsonEnabled()
  return {
    file: flags.file,
    apps: flags.app,
    flags,
    kube: lazyKube(flags),
    interactive: canPrompt() && !json,
    notice: stderrNotice(json),
    warn: (message: string) => void command.warn(message),
  }
}
