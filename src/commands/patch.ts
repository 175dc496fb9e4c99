import {Flags} from '@oclif/core'

import {POD_TEMPLATE_PATH} from '../annotations/workload-kinds.js'
import type {ApplyFlagValues} from '../cli/apply-command.js'
import {VsiCommand} from '../cli/base-command.js'
import {applyFlags} from '../cli/flags.js'
import type {ApplyResult} from '../kube/apply.js'
import {batchTarget} from '../patch/batch-target.js'
import type {BatchTarget, WorkloadSummary} from '../patch/batch.js'
import type {PatchPlan} from '../patch/build.js'
import {buildPatch} from '../patch/build.js'
import {shellWord, writeOutputs} from '../patch/output.js'
import {patchRequestFromFlags} from '../patch/request.js'

export const DEFAULT_PATCH_FILE = 'patch-inject-secrets.yaml'

export interface PatchResult {
  /** Without -f: the patch file written, or `-` for stdout. */
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
  /** With -f, -o - and --json (stdout then holds the JSON alone): the patched manifests. */
  manifests?: string
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

Exit codes: 0 written; 1 a file could not be written; 2 a flag or an input file is wrong (nothing is written).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config --status update --template database-config.txt=@db.tmpl -o patch-inject-secrets-as-template.yaml',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret db.env=internal/database/config --format db.env=env --keys username,password',
    '<%= config.bin %> <%= command.id %> --role internal-app --secret database-config.txt=internal/database/config -f k8s/ --in-place',
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
    output: Flags.string({char: 'o', description: `Where to write: a file, or - for stdout [default: ${DEFAULT_PATCH_FILE}; with -f: stdout].`, helpValue: 'FILE|-'}),
    filename: Flags.string({...many, char: 'f', description: 'Manifests to patch: files, directories (their .yaml/.yml/.json files) or - for stdin. Repeatable.', helpValue: 'PATH', helpGroup: 'MANIFESTS'}),
    'in-place': Flags.boolean({description: 'With -f: rewrite the manifests that hold workloads.', helpGroup: 'MANIFESTS'}),
    'out-dir': Flags.string({description: 'With -f: write every manifest into DIR (created if needed).', helpValue: 'DIR', helpGroup: 'MANIFESTS'}),
    ...applyFlags,
  }

  async run(): Promise<PatchResult> {
    const {flags} = await this.parse(Patch)
    const target = batchTarget(flags)
    const request = await patchRequestFromFlags({...flags, 'kv-version': flags['kv-version'] ?? '2'})
    const plan = buildPatch(request)
    const notes = [...plan.notes]
    if (notes.length > 0 && flags['kv-version'] === undefined) notes.push('KV v2 was assumed (as in the tutorial); for a KV v1 engine give --kv-version 1')
    if (flags.apply) return this.applyPatch({...flags, apply: flags.apply}, plan, notes)
    if (flags.filename && target) return this.patchManifests(flags.filename, target, plan, notes)
    return this.writePatch(flags.output ?? DEFAULT_PATCH_FILE, plan, notes)
  }

  private async writePatch(output: string, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
    const toStdout = output === '-'
    // With --json, stdout holds the JSON document alone; the YAML is in it.
    await writeOutputs(toStdout && this.jsonEnabled() ? [] : [{path: output, text: plan.yaml}])
    const next = toStdout ? undefined : `kubectl patch deployment <name> --patch "$(cat ${shellWord(output)})"`
    const count = Object.keys(plan.annotations).length
    this.report(toStdout, toStdout ? [] : [`Wrote ${output}: ${count} annotations for ${POD_TEMPLATE_PATH.join('.')}`], notes, next)
    return {file: output, written: toStdout ? [] : [output], annotations: plan.annotations, patch: plan.patch, yaml: plan.yaml, notes, ...(next ? {next} : {})}
  }

  private async patchManifests(given: string[], target: BatchTarget, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
    // Loaded here: plain `vsi patch` needs no YAML parser.
    const [{readManifests}, {batchWrites, patchManifests, workloadSummaries}] = await Promise.all([import('../patch/inputs.js'), import('../patch/batch.js')])
    const files = patchManifests(await readManifests(given), plan.annotations)
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

  /** --apply (src/kube/apply-command.ts): patches the live workload; the patch file is written only when -o names one. */
  private async applyPatch(flags: ApplyFlagValues & {apply: string; output?: string}, plan: PatchPlan, notes: string[]): Promise<PatchResult> {
    const written = flags.output === undefined || flags.output === '-' ? [] : [flags.output]
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
}
