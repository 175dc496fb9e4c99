/** `vsi setup` on a cluster with no Vault: on a terminal it offers to run `vsi install` first. */
export async function offerInstall(problem: string): Promise<boolean> {
  const {confirm} = await import('@inquirer/prompts')
  process.stderr.write(`${problem}\n`)
  return confirm({message: 'Install Vault in dev mode and the Agent Injector now (vsi install, with Helm)?', default: true})
}

/** The cluster flags setup was given, for the `vsi install` it runs. */
export function installArgs(flags: {kubeconfig?: string; context?: string; namespace?: string}): string[] {
  return [
    ...(flags.kubeconfig ? ['--kubeconfig', flags.kubeconfig] : []),
    ...(flags.context ? ['--context', flags.context] : []),
    ...(flags.namespace ? ['--namespace', flags.namespace] : []),
  ]
}
