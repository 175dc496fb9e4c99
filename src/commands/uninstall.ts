import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {stepReporter} from '../cli/step-reporter.js'
import {usageError, VsiError} from '../errors.js'
import {interruptSignal, processInterrupted} from '../exec/run.js'
import {kubeFlags, timeoutFlag} from '../cli/flags.js'
import type {UninstallResult} from '../install/uninstall.js'
import {canPrompt} from '../output/terminal.js'

export default class Uninstall extends VsiCommand<UninstallResult> {
  static override summary = 'Undo vsi install: helm uninstall vault, and what the chart leaves behind.'

  static override description = `Shows the plan, asks for confirmation (--yes skips it; it is required when stdin is not a terminal), then runs helm uninstall vault, deletes the injector's MutatingWebhookConfiguration if it is still there, and waits until the release's pods are gone.
The PersistentVolumeClaims of a non-dev install (data-vault-0, audit-vault-0) hold Vault's data: they are kept unless --purge is given.`

  static override examples = [
    {description: 'Uninstall after confirming:', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'In a script, deleting the data volumes too:', command: '<%= config.bin %> <%= command.id %> --yes --purge'},
  ]

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation.'}),
    purge: Flags.boolean({description: "Also delete the Vault server's PersistentVolumeClaims (its data)."}),
    timeout: timeoutFlag('How long to wait for the release pods to be gone.', '2m'),
    ...kubeFlags,
  }

  async run(): Promise<UninstallResult> {
    const {flags} = await this.parse(Uninstall)
    const {connectKube} = await import('../kube/client.js')
    const {applyUninstall, isEmptyPlan, planLines, planUninstall} = await import('../install/uninstall.js')
    const kube = await connectKube(flags)
    const request = {
      namespace: kube.namespace,
      kubeContext: flags.context,
      kubeconfig: flags.kubeconfig,
      purge: flags.purge,
      timeoutMs: flags.timeout,
      signal: interruptSignal(),
    }
    const plan = await planUninstall(kube, request)
    if (isEmptyPlan(plan)) {
      this.log(`Nothing to uninstall: no Helm release vault in namespace ${plan.namespace}${plan.context ? ` (context ${plan.context})` : ''}.`)
      return {...plan, deleted: [], kept: plan.volumeClaims}
    }
    this.log(`Plan for context ${plan.context ?? '(none)'}, namespace ${plan.namespace}:`)
    for (const line of planLines(plan)) this.log(line)
    if (!flags.yes) {
      if (!canPrompt() || this.jsonEnabled()) throw usageError('vsi uninstall needs --yes when it cannot ask for confirmation (stdin is not a terminal, CI is set, or --json)')
      const {confirm} = await import('@inquirer/prompts')
      if (!(await confirm({message: 'Uninstall?', default: false}))) throw new VsiError('uninstall cancelled: nothing was changed', {code: 'cancelled'})
    }
    const progress = stepReporter('Uninstalling Vault', {json: this.jsonEnabled()})
    const result = await applyUninstall(kube, plan, request, (message) => progress.report(message)).finally(() => progress.done(processInterrupted() ? 'interrupted' : 'done'))
    this.log(`Uninstalled: ${result.deleted.join(', ') || 'nothing'}.`)
    if (result.kept.length > 0) this.log(`Kept (use --purge to delete): ${result.kept.map((name) => `persistentvolumeclaim/${name}`).join(', ')}.`)
    return result
  }
}
