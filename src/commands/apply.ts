import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {VsiError} from '../errors.js'
import {ttlFlagSeconds} from '../duration.js'
import {rolloutProgress} from '../cli/progress.js'
import {tally} from '../setup/render.js'
import {applySteps} from '../setup/steps.js'
import {specFlags, specOpening} from '../cli/spec-flags.js'
import {withSpec, type SpecRun} from '../setup/spec/open.js'
import {planApply} from '../setup/spec/plan.js'
import {allActions, outcomeReport, reportLines, type SpecReport} from '../setup/spec/report.js'

export interface ApplyResult extends SpecReport, SpecRun {
  /** Objects created, changed or deleted (0 on a re-apply of a file already applied). */
  writes: number
}

export default class Apply extends VsiCommand<ApplyResult> {
  static override summary = 'Converge Vault and the cluster to a vsi.yaml: engine, auth, policies, roles, service accounts, secrets and workload annotations.'

  static override description = `Plans first (as vsi plan), then writes only what differs, every app at once; workloads are patched and their rollouts awaited together. Each app whose setup changed is then proven with a live login as its service account and a read of its secrets (--verify: always).
Re-applying a file that is already applied writes nothing and says so.`

  static override examples = [
    {description: 'Everything in the file:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml'},
    {description: 'One app:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml --app internal-app'},
  ]

  static override flags = {
    ...specFlags,
    verify: Flags.boolean({description: 'Log in as each app and read its secrets at the end (default: for the apps whose setup changed).', allowNo: true}),
    wait: Flags.boolean({description: 'Wait for the rollouts of patched workloads.', default: true, allowNo: true}),
    timeout: Flags.string({description: 'How long each rollout may take.', default: '5m'}),
  }

  async run(): Promise<ApplyResult> {
    const {flags} = await this.parse(Apply)
    const timeoutMs = ttlFlagSeconds(flags.timeout) * 1000
    return withSpec(
      {...specOpening(this, flags), withData: true},
      async ({context, current, data, vault}) => {
        const progress = rolloutProgress('Waiting for the rollouts', {json: this.jsonEnabled()})
        const plan = planApply(context, current, {
          data,
          verify: flags.verify,
          timeoutMs,
          wait: flags.wait,
          warn: (message) => this.warn(message),
          countNewPods: progress.countsNewPods,
          onRollout: (workload, status) => progress.update(status, workload),
        })
        const steps = [...plan.shared, ...plan.apps.flatMap((app) => app.steps)]
        const actions = await applySteps(steps, () => {}).finally(() => progress.stop('done'))
        const report = outcomeReport(plan, actions)
        for (const line of reportLines(report)) this.log(line)
        const {writes, failed, skipped} = tally(allActions(report))
        const result: ApplyResult = {file: flags.file, vault, ...report, writes}
        if (failed > 0) {
          const first = allActions(report).find((action) => action.status === 'failed')!
          this.log(`Stopped: ${failed} failed, ${skipped} skipped, ${writes} written. Fix the cause and apply again; finished steps are kept.`)
          throw new VsiError(`apply stopped: ${first.target}: ${first.detail}`, {code: first.code ?? 'apply-failed', hint: first.hint ?? 'Fix the cause and run vsi apply again; finished steps are kept.', result})
        }
        const count = (status: string) => allActions(report).filter((action) => action.status === status).length
        this.log(
          writes === 0
            ? 'Nothing to change: Vault and the cluster already match the file (no writes made).'
            : `Applied: ${count('created')} created, ${count('changed')} changed, ${count('unchanged')} unchanged; ${count('verified')} app${count('verified') === 1 ? '' : 's'} proven by login.`,
        )
        return result
      },
    )
  }
}
