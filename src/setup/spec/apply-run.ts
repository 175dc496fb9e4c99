/**
 * `vsi apply -f vsi.yaml` as a whole: converges Vault and the cluster to the file (plan, then the steps that differ,
 * rollouts awaited together, apps proven by login), or with --dry-run says which workloads would change or makes the
 * GitOps outputs. The output streams, the rollout progress and the connections are lent by the command (`ApplyIo`),
 * so this feature stays below src/cli.
 */
import {ttlFlagSeconds} from '../../duration.js'
import {usageError, VsiError} from '../../errors.js'
import {valuesKeyPath} from '../../gitops/emit.js'
import type {KubeClient} from '../../kube/client.js'
import type {RolloutStatus} from '../../kube/rollout.js'
import {shellWord, writeOutputs} from '../../output/write-outputs.js'
import {tally} from '../render.js'
import {applySteps} from '../steps.js'
import {loadSpec} from './file.js'
import {dryRunWorkloads, emitFiles, emitStream, type DryRunWorkload, type SpecEmit} from './gitops.js'
import {selectApps, withSpec, type OpenOptions, type SpecRun} from './open.js'
import {planApply} from './plan.js'
import {allActions, outcomeReport, reportLines, type SpecReport} from './report.js'

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

export interface ApplyFlags {
  file: string
  app?: string[]
  verify?: boolean
  wait: boolean
  timeout: string
  'dry-run'?: boolean
  emit?: string
  /** -o, checked by the command. */
  format?: 'yaml' | 'json'
  /** -o as given (it makes GitOps outputs, so it needs --dry-run). */
  output?: string
  'output-file'?: string
  'out-dir'?: string
  'values-key'?: string
  namespace?: string
}

/** The rollout waits' progress (stderr): a spinner on a terminal, kubectl's lines elsewhere, nothing with --json. */
export interface ApplyProgress {
  readonly countsNewPods: boolean
  update(status: RolloutStatus, workload?: string): void
  stop(final: string): void
}

/** What only the command has, lent to the feature. */
export interface ApplyIo {
  /** --json: stdout holds the JSON document alone. */
  json: boolean
  log(text: string): void
  warn(message: string): void
  /** How the spec engine opens (the file, --app, the connection flags, prompts, notices); asked only when applying. */
  opening(): Omit<OpenOptions, 'withData'>
  /** The cluster, connected on first use (--dry-run reads it only for what needs the live workloads). */
  kube(): Promise<KubeClient>
  /** Started when the steps run. */
  rolloutProgress(): ApplyProgress
}

/** The flags that make GitOps outputs instead of applying. */
const EMIT_FLAGS = ['emit', 'output', 'output-file', 'out-dir', 'values-key'] as const

export async function runApply(flags: ApplyFlags, io: ApplyIo): Promise<ApplyResult | ApplyDryRunResult> {
  const given = EMIT_FLAGS.filter((name) => flags[name] !== undefined).map((name) => (name === 'output' ? '-o/--output' : `--${name}`))
  if (flags['dry-run']) return runApplyDryRun(flags, given.length > 0, io)
  if (given.length > 0) throw usageError(`${given.join(', ')} ${given.length === 1 ? 'makes' : 'make'} GitOps outputs instead of applying: add --dry-run`, 'vsi apply -f vsi.yaml --dry-run --emit kustomize|helm-values|manifests writes nothing to Vault or the cluster.')
  const timeoutMs = ttlFlagSeconds(flags.timeout) * 1000
  return withSpec(
    {...io.opening(), withData: true},
    async ({context, current, data, vault}) => {
      const progress = io.rolloutProgress()
      const plan = planApply(context, current, {
        data,
        verify: flags.verify,
        timeoutMs,
        wait: flags.wait,
        warn: (message) => io.warn(message),
        countNewPods: progress.countsNewPods,
        onRollout: (workload, status) => progress.update(status, workload),
      })
      const steps = [...plan.shared, ...plan.apps.flatMap((app) => app.steps)]
      const actions = await applySteps(steps, () => {}).finally(() => progress.stop('done'))
      const report = outcomeReport(plan, actions)
      for (const line of reportLines(report)) io.log(line)
      const {writes, failed, skipped} = tally(allActions(report))
      const result: ApplyResult = {file: flags.file, vault, ...report, writes}
      if (failed > 0) {
        const first = allActions(report).find((action) => action.status === 'failed')!
        io.log(`Stopped: ${failed} failed, ${skipped} skipped, ${writes} written. Fix the cause and apply again; finished steps are kept.`)
        throw new VsiError(`apply stopped: ${first.target}: ${first.detail}`, {code: first.code ?? 'apply-failed', hint: first.hint ?? 'Fix the cause and run vsi apply again; finished steps are kept.', result})
      }
      const count = (status: string) => allActions(report).filter((action) => action.status === status).length
      io.log(
        writes === 0
          ? 'Nothing to change: Vault and the cluster already match the file (no writes made).'
          : `Applied: ${count('created')} created, ${count('changed')} changed, ${count('unchanged')} unchanged; ${count('verified')} app${count('verified') === 1 ? '' : 's'} proven by login.`,
      )
      return result
    },
  )
}

/** --dry-run: no Vault, no write; the cluster is read only for what needs the live workloads. */
export async function runApplyDryRun(flags: ApplyFlags, emitting: boolean, io: ApplyIo): Promise<ApplyDryRunResult> {
  const emit = (flags.emit ?? 'manifests') as SpecEmit
  if (flags['values-key'] !== undefined && emit !== 'helm-values') throw usageError('--values-key is for --emit helm-values')
  const valuesKey = valuesKeyPath(flags['values-key'] ?? 'podAnnotations')
  const spec = await loadSpec(flags.file)
  const apps = selectApps(spec, flags.app)
  const run = await dryRunWorkloads({spec, apps, namespace: flags.namespace, live: emit === 'manifests', kube: io.kube, warn: (message) => io.warn(message)})
  const workloads = run.workloads.map(({declaredNamespace: _namespace, manifest: _manifest, ...workload}) => workload)
  if (!emitting) {
    for (const w of workloads) io.log(`${w.kind.toLowerCase()}.apps/${w.name} ${w.changed ? 'configured' : 'unchanged'} (dry run) in ${w.namespace} (app ${w.app})`)
    io.log(`Vault was not contacted: vsi plan -f ${shellWord(flags.file)} shows every change, Vault's included.`)
    return {file: flags.file, dryRun: true, workloads, written: []}
  }
  const options = {emit, format: flags.format ?? 'yaml', valuesKey}
  const outDir = flags['out-dir']
  const destination = flags['output-file'] ?? '-'
  const writes = outDir === undefined ? [{path: destination, text: emitStream(run, options)}] : emitFiles(run, options, outDir)
  const toStdout = outDir === undefined && destination === '-'
  // With --json, stdout holds the JSON document alone; the text is in it.
  await writeOutputs(toStdout && io.json ? [] : writes, outDir !== undefined)
  const written = toStdout ? [] : writes.map((write) => write.path)
  if (!toStdout) io.log(`Wrote ${outDir === undefined ? destination : `${written.length} file${written.length === 1 ? '' : 's'} to ${outDir}`}: ${emit} for ${workloads.length} workload${workloads.length === 1 ? '' : 's'} (dry run: nothing applied)`)
  return {file: flags.file, dryRun: true, emit, workloads, written, ...(toStdout ? {text: writes[0].text} : {})}
}
