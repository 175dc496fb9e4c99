import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {lazyKube} from '../cli/connections.js'
import {kubeFlags, vaultFlags} from '../cli/flags.js'
import {stderrNotice} from '../cli/notice.js'
import {startProgress} from '../cli/progress.js'
import {renderDoctorReport} from '../doctor/report.js'
import {doctorFailed, openDoctorVault, runDoctor} from '../doctor/run.js'
import type {DoctorResult} from '../doctor/types.js'
import {usageError, VsiError} from '../errors.js'
import {formatRef} from '../kube/workload.js'

/** `vsi doctor -f vsi.yaml`: one diagnosis per workload of every app, and one verdict. */
export interface SpecDoctorResult {
  file: string
  passed: boolean
  apps: Array<{app: string; namespace: string; workloads: DoctorResult[]}>
  summary: {workloads: number; checks: number; failed: number; warnings: number}
}

export default class Doctor extends VsiCommand<DoctorResult | SpecDoctorResult> {
  static override summary = 'Find the broken link when a pod does not get its Vault secrets.'

  static override description = `Checks every link the injection depends on and reports each as ok, warning, failed or skipped, with the
cause and the fix:
  1. annotations: valid, and on the pod template
  2. injector: webhook, CA bundle, ready endpoints, Deployment available, selectors, namespace
  3. service account: exists, its token is mounted
  4. Vault: reachable and unsealed; auth mount, its config, reviewer JWT; role, its bindings, audience
  5. policies: the role's policies grant read on every secret path (evaluated as Vault does)
  6. secrets: each exists and is not deleted; each template only reads keys that exist
  7. a live login as the app (TokenRequest, Kubernetes auth login, sys/capabilities-self; the token is revoked)
  8. running pods: injected or not, and the last vault-agent-init error mapped to its cause

A check that cannot be made (no permission, no Vault token, --offline) is reported as skipped, never as passed.
Exit codes: 0 no check failed, 1 a check failed, 2 usage error.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> deployment/orgchart',
    '<%= config.bin %> <%= command.id %> orgchart-69697d9598-l878s -n apps --json',
    {description: 'Before deploying, without a cluster or Vault:', command: '<%= config.bin %> <%= command.id %> deployment.yaml --offline'},
    {description: 'Every workload of every app of a vsi.yaml, in one report:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml'},
  ]

  static override args = {
    target: Args.string({description: 'deployment/NAME, statefulset/NAME, daemonset/NAME, a pod name, or a manifest file (or -f vsi.yaml).'}),
  }

  static override flags = {
    file: Flags.string({char: 'f', description: 'Diagnose every workload of every app of this vsi.yaml.'}),
    app: Flags.string({description: 'With -f: only this app (repeatable).', multiple: true, dependsOn: ['file']}),
    offline: Flags.boolean({description: 'Run only the checks that need no cluster and no Vault (on a manifest file).'}),
    ...vaultFlags,
    ...kubeFlags,
  }

  async run(): Promise<DoctorResult | SpecDoctorResult> {
    const {args, flags} = await this.parse(Doctor)
    if (flags.file) {
      if (args.target) throw usageError('give either -f vsi.yaml or a target, not both')
      return this.diagnoseSpec(flags.file, flags)
    }
    if (!args.target) throw usageError('nothing to diagnose: give deployment/NAME, a pod name, a manifest file, or -f vsi.yaml')
    const progress = startProgress(`Checking ${args.target}`, {json: this.jsonEnabled()})
    let result: DoctorResult
    try {
      result = await runDoctor({
        target: args.target,
        offline: flags.offline,
        flags,
        kube: lazyKube(flags),
        notice: stderrNotice(this.jsonEnabled()),
        warn: (message) => this.warn(message),
        onProgress: (status) => progress.update(status),
      })
    } finally {
      progress.stop('done')
    }
    if (!this.jsonEnabled()) this.log(renderDoctorReport(result))
    if (!result.passed) throw doctorFailed(result)
    return result
  }

  /** Every workload at once; each diagnosis is the one `vsi doctor deployment/NAME -n NAMESPACE` gives. */
  private async diagnoseSpec(file: string, flags: {app?: string[]; offline: boolean; namespace?: string} & Parameters<typeof runDoctor>[0]['flags']): Promise<SpecDoctorResult> {
    // Only -f needs the spec engine: plain runs do not load it.
    const [{loadSpec}, {selectApps}] = await Promise.all([import('../setup/spec/file.js'), import('../setup/spec/open.js')])
    const spec = await loadSpec(file)
    const apps = selectApps(spec, flags.app)
    const progress = startProgress(`Checking ${file}`, {json: this.jsonEnabled()})
    // One Vault connection (and, for a Vault found in the cluster, one port-forward) for every workload.
    const vault = flags.offline ? undefined : openDoctorVault({flags, notice: stderrNotice(this.jsonEnabled())}, lazyKube(flags))
    let results: SpecDoctorResult['apps']
    try {
      results = await Promise.all(
        apps.map(async (app) => {
          const appFlags = {...flags, ...(app.namespace ? {namespace: app.namespace} : {})}
          const kube = lazyKube(appFlags)
          const workloads = await Promise.all(
            app.workloads.map((ref) =>
              runDoctor({
                target: formatRef(ref),
                offline: flags.offline,
                flags: appFlags,
                kube,
                notice: stderrNotice(true),
                warn: (message) => this.warn(message),
                vault: vault?.then((opened) => opened.vault),
              }),
            ),
          )
          return {app: app.name, namespace: workloads[0]?.namespace ?? app.namespace ?? '', workloads}
        }),
      )
    } finally {
      progress.stop('done')
      await (await vault)?.session?.close()
    }
    const all = results.flatMap((app) => app.workloads)
    const summary = {
      workloads: all.length,
      checks: all.reduce((n, r) => n + r.summary.checks, 0),
      failed: all.reduce((n, r) => n + r.summary.failed, 0),
      warnings: all.reduce((n, r) => n + r.summary.warnings, 0),
    }
    const result: SpecDoctorResult = {file, passed: summary.failed === 0, apps: results, summary}
    if (!this.jsonEnabled()) {
      for (const app of results) {
        this.log(`app ${app.app}${app.workloads.length === 0 ? ': no workloads' : ''}`)
        for (const workload of app.workloads) this.log(`${renderDoctorReport(workload)}\n`)
      }
      this.log(`${file}: ${summary.workloads} workloads, ${summary.checks} checks, ${summary.failed} failed, ${summary.warnings} warnings`)
    }
    if (!result.passed) throw new VsiError(`${summary.failed} checks failed across ${summary.workloads} workloads of ${file}`, {code: 'doctor-failed', result})
    return result
  }
}
