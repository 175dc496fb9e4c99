import {Flags} from '@oclif/core'

import {POD_TEMPLATE_PATH} from '../annotations/workload-kinds.js'
import type {ApplyFlagValues} from '../cli/apply-command.js'
import {VsiCommand} from '../cli/base-command.js'
import {applyFlags} from '../cli/flags.js'
import {checkOutputFormat, outputFileFlag, outputFormatFlag, recursiveFlag} from '../cli/output-flags.js'
import {usageError} from '../errors.js'
import type {ApplyResult} from '../kube/apply.js'
import {batchTarget} from '../patch/batch-target.js'
import type {BatchTarget, WorkloadSummary} from '../patch/batch.js'
import type {PatchPlan, PatchRequest} from '../patch/build.js'
import {buildPatch} from '../patch/build.js'
import type {Emit, KustomizeTarget, OutputFormat} from '../patch/emit.js'
import {asJson, EMITS, helmValues, kustomizePatch, OUTPUT_FORMATS, parseWorkloadFlag, valuesKeyPath} from '../patch/emit.js'
import {shellWord, writeOutputs} from '../patch/output.js'
import {patchRequestFromFlags} from '../patch/request.js'

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

const many = {multiple: true, multipleNonGreedy: true} as const

export default class Patch extends VsiCommand<PatchResult> {
  static override summary = 'Write the annotations that make the Vault Agent Injector render secrets into a workload\'s pods.'

  static override description = `Without -f, writes a strategic merge patch (${DEFAULT_PATCH_FILE}) for \`kubectl patch\`. With -f, sets the annotations on the pod template of every Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and Pod in the manifests, leaving the rest of the files as they were. KV paths become API paths (internal/database/config → internal/data/database/config) unless --kv-version 1. Files are written atomically.

-o yaml|json prints the result to stdout instead (kubectl's -o: a format, never a file); --output-file FILE writes it to FILE. --emit kustomize writes a Kustomize patch that names its workload (--workload KIND/NAME, or the workloads of -f), --emit helm-values the values of a chart that takes podAnnotations.

Exit codes: 0 written; 1 a file could not be written; 2 a flag or an input file is wrong (nothing is written).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config --status update --template database-config.txt=@db.tmpl --output-file patch-inject-secrets-as-template.yaml',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config -o json',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret db.env=internal/database/config --format db.env=env --keys username,password',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config -f k8s/ --in-place',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config --emit kustomize --workload deployment/orgchart',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config --emit helm-values',
  ]

  static override flags = {
    role: Flags.string({description: 'The Vault role the agent logs in with (Kubernetes auth).', helpValue: 'ROLE'}),
    secret: Flags.string({...many, char: 's', description: 'Render the KV secret at PATH to /vault/secrets/NAME. Repeatable.', helpValue: 'NAME=PATH'}),
    'kv-version': Flags.string({options: ['1', '2'], description: 'Version of the KV engine holding the secrets [default: 2]: on 2, PATH becomes MOUNT/data/REST; 1 keeps it as given.'}),
    template: Flags.string({...many, description: 'A template for NAME: the text itself, or @FILE to read it. Repeatable.', helpValue: 'NAME=TEXT|NAME=@FILE'}),
    format: Flags.string({...many, description: 'Generate the template for NAME in a common format (from --keys). Repeatable.', helpValue: 'NAME=json|env|map'}),
    keys: Flags.string({...many, description: 'The secret keys --format writes (comma-separated); without NAME= for every --format.', helpValue: '[NAME=]KEY,KEY'}),
    status: Flags.string({options: ['update'], description: 'Set agent-inject-status (the tutorial\'s second patch uses update).'}),
    'pre-populate-only': Flags.boolean({description: 'Render once in an init container, without the agent sidecar (Jobs get this always).'}),
    'init-first': Flags.boolean({description: 'Run the agent\'s init container before the pod\'s other init containers.'}),
    'auth-path': Flags.string({description: 'Path of the Kubernetes auth method [injector default: auth/kubernetes].', helpValue: 'PATH'}),
    'agent-image': Flags.string({description: 'The Vault image for the agent containers.', helpValue: 'IMAGE'}),
    annotation: Flags.string({...many, description: 'Any other injector annotation, with or without the vault.hashicorp.com/ prefix. Repeatable.', helpValue: 'KEY=VALUE'}),
    output: outputFormatFlag(OUTPUT_FORMATS, 'Print the result to stdout in this format and write no file (with -f: the patched manifests).'),
    'output-file': outputFileFlag(`Write the result to FILE, or - for stdout [default: ${DEFAULT_PATCH_FILE} (--emit helm-values: ${DEFAULT_VALUES_FILE}); with -o, or -f alone: stdout].`),
    emit: Flags.string({
      options: [...EMITS],
      default: 'patch',
      description: 'What to write: the strategic merge patch for kubectl patch, a Kustomize patch naming its workload (for patches: in kustomization.yaml), or Helm values setting podAnnotations.',
    }),
    workload: Flags.string({description: 'With --emit kustomize: the workload the patch targets, e.g. deployment/orgchart (or give its manifests with -f).', helpValue: 'KIND/NAME'}),
    'values-key': Flags.string({description: "With --emit helm-values: the chart's value for pod annotations, a dotted path [default: podAnnotations].", helpValue: 'KEY'}),
    filename: Flags.string({...many, char: 'f', description: 'Manifests to patch: files, directories (their .yaml/.yml/.json files; subdirectories with -R) or - for stdin. Repeatable.', helpValue: 'PATH', helpGroup: 'MANIFESTS'}),
    recursive: {...recursiveFlag, helpGroup: 'MANIFESTS'},
    'in-place': Flags.boolean({description: 'With -f: rewrite the manifests that hold workloads.', helpGroup: 'MANIFESTS'}),
    'out-dir': Flags.string({description: 'With -f: write every manifest into DIR (created if needed).', helpValue: 'DIR', helpGroup: 'MANIFESTS'}),
    ...applyFlags,
  }

  async run(): Promise<PatchResult> {
    const {flags} = await this.parse(Patch)
    const format = checkOutputFormat(flags.output, OUTPUT_FORMATS)
    const emit = flags.emit as Emit
    checkEmitFlags(emit, flags)
    if (flags.recursive && !flags.filename) throw usageError('-R/--recursive reads the subdirectories of -f DIR: give -f')
    const target = emit === 'patch' ? batchTarget({...flags, format}) : undefined
    if (flags.apply && (format !== undefined)) throw usageError('-o/--output prints the patch instead of applying it: give one of -o and --apply', 'To keep a copy of the patch applied, add --output-file FILE.')
    const request = await patchRequestFromFlags({...flags, 'kv-version': flags['kv-version'] ?? '2'})
    // Why KV v2 is assumed ('' when nothing asked), or undefined when --kv-version or Vault said which.
    const assumed = flags['kv-version'] === undefined ? (flags.apply ? await this.kvVersionsFromVault(flags, request) : '') : undefined
    const plan = buildPatch(request)
    const notes = [...plan.notes]
    if (notes.length > 0 && assumed !== undefined) notes.push(`KV v2 was assumed (as in the tutorial${assumed}); for a KV v1 engine give --kv-version 1`)
    if (flags.apply) return this.applyPatch({...flags, apply: flags.apply}, plan, notes)
    const destination = flags['output-file'] ?? (format === undefined ? (emit === 'helm-values' ? DEFAULT_VALUES_FILE : DEFAULT_PATCH_FILE) : '-')
    if (emit !== 'patch') return this.writeEmitted({emit, destination, format: format ?? 'yaml', flags}, plan, notes)
    if (flags.filename && target) return this.patchManifests(flags.filename, flags.recursive, target, plan, notes)
    return this.writePatch(destination, format ?? 'yaml', plan, notes)
  }

  private async writePatch(output: string, format: OutputFormat, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
    const toStdout = output === '-'
    // With --json, stdout holds the JSON document alone; the YAML is in it.
    await writeOutputs(toStdout && this.jsonEnabled() ? [] : [{path: output, text: format === 'json' ? asJson(plan.patch) : plan.yaml}])
    const next = toStdout ? undefined : `kubectl patch deployment <name> --patch "$(cat ${shellWord(output)})"`
    const count = Object.keys(plan.annotations).length
    this.report(toStdout, toStdout ? [] : [`Wrote ${output}: ${count} annotations for ${POD_TEMPLATE_PATH.join('.')}`], notes, next)
    return {file: output, written: toStdout ? [] : [output], annotations: plan.annotations, patch: plan.patch, yaml: plan.yaml, notes, ...(next ? {next} : {})}
  }

  /** --emit kustomize | helm-values: one file (or stdout) that GitOps tools apply. */
  private async writeEmitted(options: {emit: Exclude<Emit, 'patch'>; destination: string; format: OutputFormat; flags: EmitFlags}, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
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
      const targets = await this.kustomizeTargets(flags, plan, allNotes)
      text = kustomizePatch(targets, format)
      next = toStdout ? undefined : `list it in kustomization.yaml (patches: [{path: ${shellWord(destination)}}]), then kubectl apply -k DIR`
    }
    await writeOutputs(toStdout && this.jsonEnabled() ? [] : [{path: destination, text}])
    const what = emit === 'helm-values' ? `Helm values (${flags['values-key'] ?? 'podAnnotations'})` : 'a Kustomize patch'
    this.report(toStdout, toStdout ? [] : [`Wrote ${destination}: ${what} with ${Object.keys(plan.annotations).length} annotations`], allNotes, next)
    return {emit, file: destination, written: toStdout ? [] : [destination], annotations: plan.annotations, text, notes: allNotes, ...(next ? {next} : {})}
  }

  /** The workloads a Kustomize patch targets: --workload, or every workload of the -f manifests (with its own annotations). */
  private async kustomizeTargets(flags: EmitFlags, plan: PatchPlan, notes: string[]): Promise<KustomizeTarget[]> {
    const namespace = flags.namespace
    if (flags.workload !== undefined) return [{...parseWorkloadFlag(flags.workload), ...(namespace ? {namespace} : {}), annotations: plan.annotations}]
    const [{readManifests}, {patchManifests}] = await Promise.all([import('../patch/inputs.js'), import('../patch/batch.js')])
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

  private async patchManifests(given: string[], recursive: boolean, target: BatchTarget, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
    if (!('inPlace' in target)) return this.patchManifestsUnlocked(given, recursive, target, plan, notes)
    const locks = await (await import('../patch/in-place-lock.js')).lockForInPlace(given, recursive)
    try {
      return await this.patchManifestsUnlocked(given, recursive, target, plan, notes)
    } finally {
      await locks.release()
    }
  }

  private async patchManifestsUnlocked(given: string[], recursive: boolean, target: BatchTarget, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
    // Loaded here: plain `vsi patch` needs no YAML parser.
    const [{readManifests}, {batchWrites, patchManifests, workloadSummaries}] = await Promise.all([import('../patch/inputs.js'), import('../patch/batch.js')])
    const files = patchManifests(await readManifests(given, recursive), plan.annotations)
    const writes = batchWrites(files, target)
    const toStdout = 'output' in target && target.output === '-'
    await writeOutputs(toStdout && this.jsonEnabled() ? [] : writes, 'outDir' in target)
    const workloads = workloadSummaries(files)
    const written = toStdout ? [] : writes.map((write) => write.path)
    const allNotes = [...notes, ...files.flatMap((file) => file.notes)]
    const next = toStdout ? undefined : `kubectl apply ${('outDir' in target ? [target.outDir] : written).map((file) => `-f ${shellWord(file)}`).join(' ')}`
    const where = 'inPlace' in target ? 'in place' : `to ${'outDir' in target ? target.outDir : written[0]}`
    const lines = toStdout ? [] : [`Patched ${workloads.length} workload${workloads.length === 1 ? '' : 's'} ${where}:`, ...files.filter((file) => file.workloads.length > 0).map((file) => `  ${file.path}: ${file.workloads.map((w) => w.ref).join(', ')}`)]
    this.report(toStdout, lines, allNotes, next)
    const manifests = toStdout && this.jsonEnabled() ? {manifests: writes[0].text} : {}
    return {written, annotations: plan.annotations, workloads, ...manifests, notes: allNotes, ...(next ? {next} : {})}
  }

  /** --apply (src/cli/apply-command.ts): patches the live workload; the patch file is written only when --output-file names one. */
  private async applyPatch(flags: ApplyFlagValues & {apply: string; 'output-file'?: string}, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
    const file = flags['output-file']
    const written = file === undefined || file === '-' ? [] : [file]
    await writeOutputs(written.map((path) => ({path, text: plan.yaml})))
    this.report(false, written.map((path) => `Wrote ${path}`), notes, undefined)
    const {applyFromFlags} = await import('../cli/apply-command.js')
    const applied = await applyFromFlags(this, flags, plan.patch)
    return {written, annotations: plan.annotations, patch: plan.patch, yaml: plan.yaml, notes, applied}
  }

  /** Human output; on stderr when stdout carries the YAML. */
  private report(toStderr: boolean, lines: string[], notes: string[], next: string | undefined): void {
    if (this.jsonEnabled()) return
    const all = [...lines, ...notes.map((note) => `Note: ${note}`), ...(next ? [`Next: ${next}`] : [])]
    if (all.length === 0) return
    if (toStderr) process.stderr.write(`${all.join('\n')}\n`)
    else this.log(all.join('\n'))
  }

  /**
   * --apply reaches the cluster anyway: Vault (VAULT_ADDR, or found in the cluster) says which KV version serves each
   * path. Undefined when it did; otherwise why not, for the note that says v2 was assumed.
   */
  private async kvVersionsFromVault(flags: {kubeconfig?: string; context?: string}, request: PatchRequest): Promise<string | undefined> {
    const [{withVaultSession}, {stderrNotice}, {learnKvVersions}] = await Promise.all([import('../cli/connections.js'), import('../cli/notice.js'), import('../patch/kv-versions.js')])
    try {
      await withVaultSession({kubeconfig: flags.kubeconfig, context: flags.context}, stderrNotice(this.jsonEnabled()), (session) => learnKvVersions(session.vault, request))
      return undefined
    } catch (error) {
      return `; Vault could not be asked: ${(error as Error).message}`
    }
  }
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
