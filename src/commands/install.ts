import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {stepReporter} from '../cli/step-reporter.js'
import {interruptSignal, processInterrupted} from '../exec/run.js'
import {kubeFlags, timeoutFlag} from '../cli/flags.js'
import {checkValuesFiles, installRequest, renderInstall} from '../install/command-support.js'
import type {InstallResult} from '../install/install.js'

export default class Install extends VsiCommand<InstallResult> {
  static override summary = 'Install Vault in dev mode and the Vault Agent Injector with Helm, and wait until both are ready.'

  static override description = `Runs the tutorial's first steps: helm repo add hashicorp https://helm.releases.hashicorp.com, helm repo update, and helm upgrade --install vault hashicorp/vault with server.dev.enabled=true and injector.enabled=true, then waits for the Vault server pod, the injector deployment and the injector webhook's endpoints.
Needs helm 3 or later on the PATH and a reachable cluster. Dev mode (in-memory storage, root token "root") is for development only: vsi warns when the context does not look like a local cluster.
Re-running it on a release that already has the chart version and values asked for changes nothing and says so.`

  static override examples = [
    {description: 'The tutorial install:', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Pin the chart and pass values through:', command: '<%= config.bin %> <%= command.id %> --version 0.34.1 --set injector.logLevel=debug -f my-values.yaml'},
    {description: 'Print the Helm commands without running them:', command: '<%= config.bin %> <%= command.id %> --dry-run'},
  ]

  static override flags = {
    version: Flags.string({description: 'Chart version (default: the newest in the repository).'}),
    set: Flags.string({description: 'A chart value, passed to helm as --set (repeatable; after vsi\'s dev-mode values, so it wins).', multiple: true}),
    values: Flags.string({char: 'f', description: 'A values file, passed to helm as --values (repeatable).', multiple: true}),
    timeout: timeoutFlag('How long to wait for Vault and the injector to become ready (e.g. 90s, 5m).', '5m'),
    wait: Flags.boolean({description: 'Wait until Vault and the injector are ready (--no-wait returns once Helm is done).', default: true, allowNo: true}),
    'dry-run': Flags.boolean({description: 'Print the Helm commands and run nothing.'}),
    ...kubeFlags,
  }

  async run(): Promise<InstallResult> {
    const {flags} = await this.parse(Install)
    await checkValuesFiles(flags.values)
    const {connectKube} = await import('../kube/client.js')
    const kube = await connectKube(flags)
    const request = installRequest(kube, flags)
    const {dryRunInstall, installVault} = await import('../install/install.js')
    if (flags['dry-run']) {
      const result = dryRunInstall(kube, request)
      for (const command of result.commands) this.log(command)
      return result
    }
    const progress = stepReporter('Installing Vault', {json: this.jsonEnabled()})
    const result = await installVault(kube, request, {
      step: (message) => progress.report(message),
      progress: (readiness) => progress.report([readiness.server, readiness.injector, readiness.webhook].join('; ')),
      warn: (message) => this.warn(message),
      signal: interruptSignal(),
    }).finally(() => progress.done(processInterrupted() ? 'interrupted' : 'done'))
    for (const line of renderInstall(result)) this.log(line)
    return result
  }
}
