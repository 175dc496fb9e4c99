/**
 * `vsi patch` as a whole: checks the flags that go together, builds the annotations, and writes them as a patch
 * file, a Kustomize patch, Helm values or patched manifests, or applies them to a live workload. What needs the
 * cluster, Vault or an oclif command comes in through `PatchIo`, so this feature stays below src/cli.
 */
import {POD_TEMPLATE_PATH} from '../annotations/workload-kinds.js'
import {usageError} from '../errors.js'
import type {ApplyResult} from '../kube/apply.js'
import type {VaultClient} from '../vault/client.js'
import {batchTarget} from './batch-target.js'
import type {BatchTarget, WorkloadSummary} from './batch.js'
import type {PatchPlan, PatchRequest} from './build.js'
import {buildPatch} from './build.js'
import type {Emit, KustomizeTarget, OutputFormat} from '../gitops/emit.js'
import {asJson, helmValues, kustomizePatch, parseWorkloadFlag, valuesKeyPath} from '../gitops/emit.js'
import {shellWord, writeOutputs} from '../output/write-outputs.js'
import type {PatchFlagValues} from './request.js'
import {patchRequestFromFlags} from './request.js'

export const DEFAULT_PATCH_FILE = 'patch-inject-secrets.yaml'
/** Helm values are not a patch: their file says what they are. */
export const DEFAULT_VALUES_FILE = 'values-inject-secrets.yaml'

export interface PatchResult {
  /** With --emit kustomize or helm-values: what was written. */
  emit?: Exclude<Emit, 'patch'>
  /** Without -f (or with --emit): the file written, or `-` for stdout. */
  file?: string
  /** The files written; empty when the output went to stdout. */
  written: string[]
  annotations: Record<string, string>
  /** The strategic merge patch (without -f): what `kubectl patch` or `vsi patch --apply` sends. */
  patch?: object
  /** The patch file's text (without -f). */
  yaml?: string
  /** With -f: every workload patched, by file. */
  workloads?: WorkloadSummary[]
  /** With -f to stdout and --json (stdout then holds the JSON alone): the patched manifests. */
  manifests?: string
  /** With --emit: the text written (the Kustomize patch or the Helm values), in the -o format. */
  text?: string
  notes: string[]
  /** The command to run next, if any. */
  next?: string
  /** With --apply: what happened to the live workload. */
  applied?: ApplyResult
}

/** The parsed `vsi patch` flags, with -o already checked (`outputFormat`). */
export interface PatchOptions extends Omit<PatchFlagValues, 'kv-version'>, EmitFlags {
  'kv-version'?: string
  outputFormat?: OutputFormat
  emit: Emit
  'output-file'?: string
}

interface EmitFlags {
  filename?: string[]
  recursive: boolean
  workload?: string
  'values-key'?: string
  namespace?: string
  apply?: string
  'in-place'?: boolean
  'out-dir'?: string
}

/** What the command lends the feature: the output streams and the connections it opens. */
export interface PatchIo {
  json: boolean
  /** One block of human output, on stdout or (when stdout carries the YAML) on stderr. */
  print(text: string, toStderr: boolean): void
  /** --apply: patches the live workload and waits for it, reporting as it goes. */
  apply(patch: object): Promise<ApplyResult>
  /** --apply without --kv-version: runs `use` with a Vault client (VAULT_ADDR, or Vault found in the cluster). */
  withVault(use: (vault: VaultClient) => Promise<void>): Promise<void>
}

export async function runPatch(options: PatchOptions, io: PatchIo): Promise<PatchResult> {
  const {emit, outputFormat: format} = options
  checkEmitFlags(emit, options)
  if (options.recursive && !options.filename) throw usageError('-R/--recursive reads the subdirectories of -f DIR: give -f')
  const target = emit === 'patch' ? batchTarget({...options, format}) : undefined
  if (options.apply && format !== undefined) throw usageError('-o/--output prints the patch instead of applying it: give one of -o and --apply', 'To keep a copy of the patch applied, add --output-file FILE.')
  const request = await patchRequestFromFlags({...options, 'kv-version': options['kv-version'] ?? '2'})
  // Why KV v2 is assumed ('' when nothing asked), or undefined when --kv-version or Vault said which.
  const assumed = options['kv-version'] === undefined ? (options.apply ? await kvVersionsFromVault(io, request) : '') : undefined
  const plan = buildPatch(request)
  const notes = [...plan.notes]
  if (notes.length > 0 && assumed !== undefined) notes.push(`KV v2 was assumed (as in the tutorial${assumed}); for a KV v1 engine give --kv-version 1`)
  if (options.apply) return applyPatch(io, options['output-file'], plan, notes)
  const destination = options['output-file'] ?? (format === undefined ? (emit === 'helm-values' ? DEFAULT_VALUES_FILE : DEFAULT_PATCH_FILE) : '-')
  if (emit !== 'patch') return writeEmitted(io, {emit, destination, format: format ?? 'yaml', flags: options}, plan, notes)
  if (options.filename && target) return patchManifests(io, options.filename, options.recursive, target, plan, notes)
  return writePatch(io, destination, format ?? 'yaml', plan, notes)
}

async function writePatch(io: PatchIo, output: string, format: OutputFormat, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
  const toStdout = output === '-'
  // With --json, stdout holds the JSON document alone; the YAML is in it.
  await writeOutputs(toStdout && io.json ? [] : [{path: output, text: format === 'json' ? asJson(plan.patch) : plan.yaml}])
  const next = toStdout ? undefined : `kubectl patch deployment <name> --patch "$(cat ${shellWord(output)})"`
  const count = Object.keys(plan.annotations).length
  report(io, toStdout, toStdout ? [] : [`Wrote ${output}: ${count} annotations for ${POD_TEMPLATE_PATH.join('.')}`], notes, next)
  return {file: output, written: toStdout ? [] : [output], annotations: plan.annotations, patch: plan.patch, yaml: plan.yaml, notes, ...(next ? {next} : {})}
}

/** --emit kustomize | helm-values: one file (or stdout) that GitOps tools apply. */
async function writeEmitted(io: PatchIo, options: {emit: Exclude<Emit, 'patch'>; destination: string; format: OutputFormat; flags: EmitFlags}, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
  const {emit, destination, format, flags} = options
  const toStdout = destination === '-'
  let text: string
  let next: string | undefined
  const allNotes = [...notes]
  if (emit === 'helm-values') {
    const keyPath = valuesKeyPath(flags['values-key'] ?? 'podAnnotations')
    text = helmValues(keyPath, plan.annotations, format)
    next = toStdout ? undefined : `helm upgrade RELEASE CHART --reuse-values -f ${shellWord(destination)}`
  } else {
    const targets = await kustomizeTargets(flags, plan, allNotes)
    text = kustomizePatch(targets, format)
    next = toStdout ? undefined : `list it in kustomization.yaml (patches: [{path: ${shellWord(destination)}}]), then kubectl apply -k DIR`
  }
  await writeOutputs(toStdout && io.json ? [] : [{path: destination, text}])
  const what = emit === 'helm-values' ? `Helm values (${flags['values-key'] ?? 'podAnnotations'})` : 'a Kustomize patch'
  report(io, toStdout, toStdout ? [] : [`Wrote ${destination}: ${what} with ${Object.keys(plan.annotations).length} annotations`], allNotes, next)
  return {emit, file: destination, written: toStdout ? [] : [destination], annotations: plan.annotations, text, notes: allNotes, ...(next ? {next} : {})}
}

/** The workloads a Kustomize patch targets: --workload, or every workload of the -f manifests (with its own annotations). */
async function kustomizeTargets(flags: EmitFlags, plan: PatchPlan, notes: string[]): Promise<KustomizeTarget[]> {
  const namespace = flags.namespace
  if (flags.workload !== undefined) return [{...parseWorkloadFlag(flags.workload), ...(namespace ? {namespace} : {}), annotations: plan.annotations}]
  const [{readManifests}, {patchManifests}] = await Promise.all([import('./inputs.js'), import('./batch.js')])
  const files = patchManifests(await readManifests(flags.filename!, flags.recursive), plan.annotations)
  notes.push(...files.flatMap((file) => file.notes))
  return files.flatMap((file) =>
    file.workloads.map((workload) => {
      if (!workload.name) throw usageError(`${file.path}: the ${workload.kind} has no metadata.name, and a Kustomize patch finds its target by name`)
      const apiVersion = workload.apiVersion ?? parseWorkloadFlag(`${workload.kind}/${workload.name}`).apiVersion
      const ns = workload.namespace ?? namespace
      return {apiVersion, kind: workload.kind, name: workload.name, ...(ns ? {namespace: ns} : {}), annotations: workload.annotations}
    }),
  )
}

async function patchManifests(io: PatchIo, given: string[], recursive: boolean, target: BatchTarget, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
  if (!('inPlace' in target)) return patchManifestsUnlocked(io, given, recursive, target, plan, notes)
  const locks = await (await import('./in-place-lock.js')).lockForInPlace(given, recursive)
  try {
    return await patchManifestsUnlocked(io, given, recursive, target, plan, notes)
  } finally {
    await locks.release()
  }
}

async function patchManifestsUnlocked(io: PatchIo, given: string[], recursive: boolean, target: BatchTarget, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
  // Loaded here: plain `vsi patch` needs no YAML parser.
  const [{readManifests}, {batchWrites, patchManifests, workloadSummaries}] = await Promise.all([import('./inputs.js'), import('./batch.js')])
  const files = patchManifests(await readManifests(given, recursive), plan.annotations)
  const writes = batchWrites(files, target)
  const toStdout = 'output' in target && target.output === '-'
  await writeOutputs(toStdout && io.json ? [] : writes, 'outDir' in target)
  const workloads = workloadSummaries(files)
  const written = toStdout ? [] : writes.map((write) => write.path)
  const allNotes = [...notes, ...files.flatMap((file) => file.notes)]
  const next = toStdout ? undefined : `kubectl apply ${('outDir' in target ? [target.outDir] : written).map((file) => `-f ${shellWord(file)}`).join(' ')}`
  const where = 'inPlace' in target ? 'in place' : `to ${'outDir' in target ? target.outDir : written[0]}`
  const lines = toStdout ? [] : [`Patched ${workloads.length} workload${workloads.length === 1 ? '' : 's'} ${where}:`, ...files.filter((file) => file.workloads.length > 0).map((file) => `  ${file.path}: ${file.workloads.map((w) => w.ref).join(', ')}`)]
  report(io, toStdout, lines, allNotes, next)
  const manifests = toStdout && io.json ? {manifests: writes[0].text} : {}
  return {written, annotations: plan.annotations, workloads, ...manifests, notes: allNotes, ...(next ? {next} : {})}
}

/** --apply: patches the live workload; the patch file is written only when --output-file names one. */
async function applyPatch(io: PatchIo, file: string | undefined, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
  const written = file === undefined || file === '-' ? [] : [file]
  await writeOutputs(written.map((path) => ({path, text: plan.yaml})))
  report(io, false, written.map((path) => `Wrote ${path}`), notes, undefined)
  const applied = await io.apply(plan.patch)
  return {written, annotations: plan.annotations, patch: plan.patch, yaml: plan.yaml, notes, applied}
}

/** Human output; on stderr when stdout carries the YAML. */
function report(io: PatchIo, toStderr: boolean, lines: string[], notes: string[], next: string | undefined): void {
  if (io.json) return
  const all = [...lines, ...notes.map((note) => `Note: ${note}`), ...(next ? [`Next: ${next}`] : [])]
  if (all.length > 0) io.print(all.join('\n'), toStderr)
}

/**
 * --apply reaches the cluster anyway: Vault (VAULT_ADDR, or found in the cluster) says which KV version serves each
 * path. Undefined when it did; otherwise why not, for the note that says v2 was assumed.
 */
async function kvVersionsFromVault(io: PatchIo, request: PatchRequest): Promise<string | undefined> {
  const {learnKvVersions} = await import('./kv-versions.js')
  try {
    await io.withVault((vault) => learnKvVersions(vault, request))
    return undefined
  } catch (error) {
    return `; Vault could not be asked: ${(error as Error).message}`
  }
}

/** Flags that belong to one --emit, refused with the others, so nothing is silently ignored. */
function checkEmitFlags(emit: Emit, flags: EmitFlags): void {
  if (flags.workload !== undefined && emit !== 'kustomize') throw usageError('--workload names the target of --emit kustomize; add --emit kustomize')
  if (flags['values-key'] !== undefined && emit !== 'helm-values') throw usageError('--values-key is for --emit helm-values; add --emit helm-values')
  if (emit === 'patch') return
  if (flags.apply !== undefined) throw usageError(`--emit ${emit} writes a file for your GitOps tool; --apply patches the live workload: give one`)
  for (const flag of ['in-place', 'out-dir'] as const) {
    if (flags[flag]) throw usageError(`--${flag} writes patched manifests; --emit ${emit} writes one file: give one`)
  }
  if (emit === 'helm-values' && flags.filename) throw usageError('--emit helm-values writes values for a chart; -f patches manifests: give one', 'A chart takes the values with helm install/upgrade -f.')
  if (emit === 'kustomize') {
    if (flags.workload !== undefined && flags.filename) throw usageError('--workload and -f both name the workloads of --emit kustomize: give one')
    if (flags.workload === undefined && !flags.filename) throw usageError('--emit kustomize needs the workload the patch targets: give --workload KIND/NAME (e.g. deployment/orgchart) or its manifests with -f')
  }
}
