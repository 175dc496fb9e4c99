import {Flags} from '@oclif/core'

import {VsiCommand} from '../cli/base-command.js'
import {applyFlags} from '../cli/flags.js'
import {checkOutputFormat, outputFileFlag, outputFormatFlag, recursiveFlag} from '../cli/output-flags.js'
import type {Emit} from '../gitops/emit.js'
import {EMITS, OUTPUT_FORMATS} from '../gitops/emit.js'
import {DEFAULT_PATCH_FILE, DEFAULT_VALUES_FILE, runPatch, type PatchResult} from '../patch/run.js'

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
    const json = this.jsonEnabled()
    return runPatch({...flags, outputFormat: checkOutputFormat(flags.output, OUTPUT_FORMATS), emit: flags.emit as Emit}, {
      json,
      print: (text, toStderr) => (toStderr ? process.stderr.write(`${text}\n`) : this.log(text)),
      apply: async (patch) => (await import('../cli/apply-command.js')).applyFromFlags(this, {...flags, apply: flags.apply!}, patch),
      async withVault(use) {
        const [{withVaultSession}, {stderrNotice}] = await Promise.all([import('../cli/connections.js'), import('../cli/notice.js')])
        await withVaultSession({kubeconfig: flags.kubeconfig, context: flags.context}, stderrNotice(json), (session) => use(session.vault))
      },
    })
  }
}
