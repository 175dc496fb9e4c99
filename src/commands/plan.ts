import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {specFlags, specOpening} from '../cli/spec-flags.js'
import {withSpec, type SpecRun} from '../setup/spec/open.js'
import {planApply} from '../setup/spec/plan.js'
import {planSummaryLine, plannedReport, reportLines, summarize, type SpecReport, type Summary} from '../setup/spec/report.js'

export interface PlanResult extends SpecReport, SpecRun {
  summary: Summary
  /** Something would be created, changed or deleted. */
  changes: boolean
}

/** --detailed-exitcode: as terraform plan, 3 (vsi's 2 is a usage error) when changes are pending. */
export const CHANGES_PENDING_EXIT = 3

export default class Plan extends VsiCommand<PlanResult> {
  static override summary = 'Show what vsi apply would create, change or delete for every app of a vsi.yaml, without writing.'

  static override description = `Reads Vault and the cluster (all apps at once) and compares them with the file: the KV engine, the Kubernetes auth method and its config, and per app its policy (read on exactly the API paths its secrets render: KV v2 data/ paths, or the paths themselves on KV v1), role, service account, secrets with data, and workload annotations.
The file is validated first: every problem is reported as file:line:col (exit 2) and nothing is contacted.`

  static override examples = [
    {description: 'The plan, grouped per app:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml'},
    {description: 'In CI: exit 3 when the cluster or Vault differ from the file:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml --detailed-exitcode'},
  ]

  static override flags = {
    ...specFlags,
    'detailed-exitcode': Flags.boolean({description: 'Exit 3 when changes are pending, 0 when everything matches (1 on errors, 2 on usage errors).'}),
  }

  async run(): Promise<PlanResult> {
    const {flags} = await this.parse(Plan)
    return withSpec(
      {...specOpening(this, flags), withData: true},
      async ({context, current, data, vault}) => {
        const plan = planApply(context, current, {data, timeoutMs: 0, wait: false, warn: () => {}})
        const report = plannedReport(plan)
        const summary = summarize(report)
        for (const line of reportLines(report)) this.log(line)
        this.log(planSummaryLine(summary))
        const changes = summary.create + summary.change + summary.delete > 0
        if (flags['detailed-exitcode'] && changes) process.exitCode = CHANGES_PENDING_EXIT
        return {file: flags.file, vault, ...report, summary, changes}
      },
    )
  }
}
