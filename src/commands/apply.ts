import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {lazyKube} from '../cli/connections.js'
import {checkOutputFormat, outputFileFlag, outputFormatFlag} from '../cli/output-flags.js'
import {rolloutProgress} from '../cli/progress.js'
import {specFlags, specOpening} from '../cli/spec-flags.js'
import {OUTPUT_FORMATS} from '../gitops/emit.js'
import {runApply, type ApplyDryRunResult, type ApplyResult} from '../setup/spec/apply-run.js'
import {SPEC_EMITS} from '../setup/spec/gitops.js'

export default class Apply extends VsiCommand<ApplyResult | ApplyDryRunResult> {
  static override summary = 'Converge Vault and the cluster to a vsi.yaml: engine, auth, policies, roles, service accounts, secrets and workload annotations.'

  static override description = `Plans first (as vsi plan), then writes only what differs, every app at once; workloads are patched and their rollouts awaited together. Each app whose setup changed is then proven with a live login as its service account and a read of its secrets (--verify: always).
Re-applying a file that is already applied writes nothing and says so.

--dry-run writes nothing and does not contact Vault: it says which workloads the annotations would change (reading them from the cluster), or, with --emit, -o, --output-file or --out-dir, makes the GitOps outputs of every workload of every app: the workload manifests with the annotations merged (--emit manifests, the default: the live objects with the patch vsi apply would send merged, printed as kubectl prints objects), Kustomize patches naming their target (--emit kustomize) or Helm values for charts that take podAnnotations (--emit helm-values). Kustomize patches and Helm values need no cluster.`

  static override examples = [
    {description: 'Everything in the file:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml'},
    {description: 'One app:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml --app internal-app'},
    {description: 'The workload manifests with the annotations merged, one file per workload:', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml --dry-run --out-dir manifests/'},
    {description: 'Kustomize patches for every workload (no cluster needed):', command: '<%= config.bin %> <%= command.id %> -f vsi.yaml --dry-run --emit kustomize --output-file patches.yaml'},
  ]

  static override flags = {
    ...specFlags,
    verify: Flags.boolean({description: 'Log in as each app and read its secrets at the end (default: for the apps whose setup changed).', allowNo: true}),
    wait: Flags.boolean({description: 'Wait for the rollouts of patched workloads.', default: true, allowNo: true}),
    timeout: Flags.string({description: 'How long each rollout may take.', default: '5m'}),
    'dry-run': Flags.boolean({description: 'Write nothing and contact no Vault: show which workloads would change, or make the GitOps outputs (--emit, -o, --output-file, --out-dir).', helpGroup: 'DRY RUN'}),
    emit: Flags.string({options: [...SPEC_EMITS], description: 'With --dry-run: the workload manifests with the annotations merged [default], Kustomize patches naming their workload, or Helm values setting podAnnotations.', helpGroup: 'DRY RUN'}),
    output: {...outputFormatFlag(OUTPUT_FORMATS, 'With --dry-run: print the outputs to stdout in this format [default: yaml].'), helpGroup: 'DRY RUN'},
    'output-file': {...outputFileFlag('With --dry-run: write the outputs, one stream, to FILE (- for stdout).'), helpGroup: 'DRY RUN'},
    'out-dir': Flags.string({description: 'With --dry-run: write one file per workload, DIR/NAMESPACE/KIND-NAME.yaml (created if needed).', helpValue: 'DIR', helpGroup: 'DRY RUN', exclusive: ['output-file']}),
    'values-key': Flags.string({description: "With --emit helm-values: the chart's value for pod annotations, a dotted path [default: podAnnotations].", helpValue: 'KEY', helpGroup: 'DRY RUN'}),
  }

  async run(): Promise<ApplyResult | ApplyDryRunResult> {
    const {flags} = await this.parse(Apply)
    const json = this.jsonEnabled()
    return runApply({...flags, format: checkOutputFormat(flags.output, OUTPUT_FORMATS)}, {
      json,
      log: (text) => this.log(text),
      warn: (message) => this.warn(message),
      opening: () => specOpening(this, flags),
      kube: lazyKube(flags),
      rolloutProgress: () => rolloutProgress('Waiting for the rollouts', {json}),
    })
  }
}
