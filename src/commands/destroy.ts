import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {usageError, VsiError} from '../errors.js'
import {ttlFlagSeconds} from '../duration.js'
import {tally} from '../setup/render.js'
import {applySteps} from '../setup/steps.js'
import {planDestroy} from '../setup/spec/destroy.js'
import {specFlags, specOpening} from '../cli/spec-flags.js'
import {withSpec, type SpecRun} from '../setup/spec/open.js'
import {allActions, outcomeReport, plannedReport, reportLines, summarize, type SpecReport} from '../setup/spec/report.js'

export interface DestroyResult extends SpecReport, SpecRun {
  /** Objects deleted (0 when there was nothing vsi created, or the answer was no). */
  writes: number
}

export default class Destroy extends VsiCommand<DestroyResult> {
  static override summary = 'Remove what a vsi.yaml declares and vsi created: injector annotations, roles, policies, service accounts.'

  static override description = `Only objects that carry vsi's marks are removed: policies with vsi's header (and the roles it records creating), service accounts labelled app.kubernetes.io/managed-by=vsi for the app (unless a workload of the file still runs as one), and the injector annotations on pod templates vsi annotated (then the rollout is awaited). Objects that existed before vsi are kept.
Secrets vsi wrote stay unless --purge-secrets; the KV engine and the auth method vsi enabled stay unless --purge-engines.
The plan is printed first; on a terminal vsi asks, elsewhere it needs --yes.`

  static override examples = [
    {description: 'Show what would go, and ask:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml'},
    {description: 'In CI, one app, with its secrets:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml --app internal-app --purge-secrets --yes'},
  ]

  static override flags = {
    ...specFlags,
    'purge-secrets': Flags.boolean({description: 'Also delete the secrets vsi created (every version and the metadata).'}),
    'purge-engines': Flags.boolean({description: 'Also disable the KV engine and the auth method vsi enabled (everything in them goes).'}),
    yes: Flags.boolean({char: 'y', description: 'Do not ask (needed when stdin is not a terminal).'}),
    'dry-run': Flags.boolean({description: 'Print the plan only.'}),
    wait: Flags.boolean({description: 'Wait for the rollouts of un-annotated workloads.', default: true, allowNo: true}),
    timeout: Flags.string({description: 'How long each rollout may take.', default: '5m'}),
  }

  async run(): Promise<DestroyResult> {
    const {flags} = await this.parse(Destroy)
    const timeoutMs = ttlFlagSeconds(flags.timeout) * 1000
    const opening = specOpening(this, flags)
    const {interactive} = opening
    return withSpec(
      {...opening, withData: false},
      async ({context, current, vault}) => {
        const options = {purgeSecrets: flags['purge-secrets'], purgeEngines: flags['purge-engines'], timeoutMs, wait: flags.wait, warn: (message: string) => this.warn(message)}
        const plan = planDestroy(context, current, options)
        const planned = plannedReport(plan)
        const deletions = summarize(planned).delete
        const result = (report: SpecReport, writes: number): DestroyResult => ({file: flags.file, vault, ...report, writes})
        for (const line of reportLines(planned)) this.log(line)
        if (deletions === 0) {
          this.log('Nothing to destroy: nothing the file declares was created by vsi.')
          return result(planned, 0)
        }
        this.log(`Destroy: ${deletions} to delete.`)
        if (flags['dry-run']) return result(planned, 0)
        if (!flags.yes) {
          if (!interactive) throw usageError(`destroy would delete ${deletions} objects; confirm with --yes (stdin is not a terminal, so vsi cannot ask)`, 'Review the plan above, then run again with --yes.')
          const {confirm} = await import('@inquirer/prompts')
          if (!(await confirm({message: `Delete these ${deletions} objects?`, default: false}))) {
            this.log('Nothing was deleted.')
            return result(planned, 0)
          }
        }
        const steps = [...plan.shared, ...plan.apps.flatMap((app) => app.steps)]
        const report = outcomeReport(plan, await applySteps(steps, () => {}))
        for (const line of reportLines(report)) this.log(line)
        const {writes, failed, skipped} = tally(allActions(report))
        if (failed > 0) {
          const first = allActions(report).find((action) => action.status === 'failed')!
          throw new VsiError(`destroy stopped: ${first.target}: ${first.detail}`, {code: first.code ?? 'destroy-failed', hint: `${failed} failed, ${skipped} skipped, ${writes} deleted. Fix the cause and run vsi destroy again.`, result: result(report, writes)})
        }
        this.log(`Destroyed: ${writes} deleted.`)
        return result(report, writes)
      },
    )
  }
}
