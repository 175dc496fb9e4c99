import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {checkOutputFormat, outputFileFlag, outputFormatFlag} from '../cli/output-flags.js'
import {lazyKube} from '../cli/connections.js'
import {usageError, VsiError} from '../errors.js'
import {OUTPUT_FORMATS, valuesKeyPath} from '../gitops/emit.js'
import {shellWord, writeOutputs} from '../patch/output.js'
import {ttlFlagSeconds} from '../duration.js'
import {rolloutProgress} from '../cli/progress.js'
import {tally} from '../setup/render.js'
import {applySteps} from '../setup/steps.js'
import {specFlags, specOpening} from '../cli/spec-flags.js'
import {withSpec, type SpecRun} from '../setup/spec/open.js'
import {planApply} from '../setup/spec/plan.js'
import {allActions, outcomeReport, reportLines, type SpecReport} from '../setup/spec/report.js'
import {loadSpec} from '../setup/spec/file.js'
import {selectApps} from '../setup/spec/open.js'
import {dryRunWorkloads, emitFiles, emitStream, SPEC_EMITS, type DryRunWorkload, type SpecEmit} from '../setup/spec/gitops.js'

/** `vsi apply --dry-run`: nothing written to Vault or the cluster; what each workload would get. */
export interface ApplyDryRunResult {
  file: string
  dryRun: true
  /** With --emit, -o, --output-file or --out-dir: what was made. */
  emit?: SpecEmit
  workloads: DryRunWorkload[]
  /** The files written (--output-file, --out-dir); empty when the output went to stdout. */
  written: string[]
  /** The stream printed to stdout (in --json, where stdout holds the JSON alone). */
  text?: string
}

export interface ApplyResult extends SpecReport, SpecRun {
  /** Objects created, changed or deleted (0 on a re-apply of a file already applied). */
  writes: number
}

/** The flags that make GitOps outputs instead of applying. */
const EMIT_FLAGS = ['emit', 'output', 'output-file', 'out-dir', 'values-key'] as const

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
    const format = checkOutputFormat(flags.output, OUTPUT_FORMATS)
    const given = EMIT_FLAGS.filter((name) => flags[name] !== undefined).map((name) => (name === 'output' ? '-o/--output' : `--${name}`))
    if (flags['dry-run']) return this.dryRun({...flags, format}, given.length > 0)
    if (given.length > 0) throw usageError(`${given.join(', ')} ${given.length === 1 ? 'makes' : 'make'} GitOps outputs instead of applying: add --dry-run`, 'vsi apply -f vsi.yaml --dry-run --emit kustomize|helm-values|manifests writes nothing to Vault or the cluster.')
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

  /** --dry-run: no Vault, no write; the cluster is read only for what needs the live workloads. */
  private async dryRun(flags: {file: string; app?: string[]; emit?: string; format?: 'yaml' | 'json'; 'output-file'?: string; 'out-dir'?: string; 'values-key'?: string; kubeconfig?: string; context?: string; namespace?: string}, emitting: boolean): Promise<ApplyDryRunResult> {
    const emit = (flags.emit ?? 'manifests') as SpecEmit
    if (flags['values-key'] !== undefined && emit !== 'helm-values') throw usageError('--values-key is for --emit helm-values')
    const valuesKey = valuesKeyPath(flags['values-key'] ?? 'podAnnotations')
    const spec = await loadSpec(flags.file)
    const apps = selectApps(spec, flags.app)
    const run = await dryRunWorkloads({spec, apps, namespace: flags.namespace, live: emit === 'manifests', kube: lazyKube(flags), warn: (message) => this.warn(message)})
    const workloads = run.workloads.map(({declaredNamespace: _namespace, manifest: _manifest, ...workload}) => workload)
    if (!emitting) {
      for (const w of workloads) this.log(`${w.kind.toLowerCase()}.apps/${w.name} ${w.changed ? 'configured' : 'unchanged'} (dry run) in ${w.namespace} (app ${w.app})`)
      this.log(`Vault was not contacted: vsi plan -f ${shellWord(flags.file)} shows every change, Vault's included.`)
      return {file: flags.file, dryRun: true, workloads, written: []}
    }
    const options = {emit, format: flags.format ?? 'yaml', valuesKey}
    const outDir = flags['out-dir']
    const destination = flags['output-file'] ?? '-'
    const writes = outDir === undefined ? [{path: destination, text: emitStream(run, options)}] : emitFiles(run, options, outDir)
    const toStdout = outDir === undefined && destination === '-'
    // With --json, stdout holds the JSON document alone; the text is in it.
    await writeOutputs(toStdout && this.jsonEnabled() ? [] : writes, outDir !== undefined)
    const written = toStdout ? [] : writes.map((write) => write.path)
    if (!toStdout) this.log(`Wrote ${outDir === undefined ? destination : `${written.length} file${written.length === 1 ? '' : 's'} to ${outDir}`}: ${emit} for ${workloads.length} workload${workloads.length === 1 ? '' : 's'} (dry run: nothing applied)`)
    return {file: flags.file, dryRun: true, emit, workloads, written, ...(toStdout ? {text: writes[0].text} : {})}
  }
}
