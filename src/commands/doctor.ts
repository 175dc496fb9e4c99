import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {lazyKube} from '../cli/connections.js'
import {kubeFlags, vaultFlags} from '../cli/flags.js'
import {stderrNotice} from '../cli/notice.js'
import {startProgress} from '../cli/progress.js'
import {diagnoseApps, diagnoseTarget, type DiagnoseIo, type SpecDoctorResult} from '../doctor/diagnose.js'
import type {DoctorResult} from '../doctor/types.js'
import {usageError} from '../errors.js'

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
    const json = this.jsonEnabled()
    const io: DiagnoseIo = {
      json,
      log: (text) => this.log(text),
      warn: (message) => this.warn(message),
      notice: stderrNotice(json),
      kube: lazyKube,
      progress: (action) => startProgress(action, {json}),
    }
    if (!flags.file) return diagnoseTarget(args.target, flags, io)
    if (args.target) throw usageError('give either -f vsi.yaml or a target, not both')
    // Only -f needs the spec engine (of vsi apply): plain runs do not load it.
    const [{loadSpec}, {selectApps}] = await Promise.all([import('../setup/spec/file.js'), import('../setup/spec/open.js')])
    return diagnoseApps(flags.file, selectApps(await loadSpec(flags.file), flags.app), flags, io)
  }
}
