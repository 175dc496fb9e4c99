import {access, writeFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'

import {parseAssignment} from '../assignment.js'
import {VsiCommand} from '../cli/base-command.js'
import {lazyKube} from '../cli/connections.js'
import {kubeFlags} from '../cli/flags.js'
import {outputFileFlag} from '../cli/output-flags.js'
import {usageError} from '../errors.js'
import {canPrompt} from '../output/terminal.js'
import {parseWorkloadRef} from '../kube/workload.js'
import {trimSlashes} from '../vault/mounts.js'
import {appFromWorkload, starterSpec, type StarterApp} from '../setup/spec/init.js'

export interface InitResult {
  /** Where it was written; `-` for stdout. */
  file: string
  apps: string[]
}

export default class Init extends VsiCommand<InitResult> {
  static override summary = 'Write a starter vsi.yaml: from flags, from a workload that is already injected (--from), or by asking on a terminal.'

  static override description = `The file is checked as vsi plan checks it before it is written; an existing file is kept unless --force.
Without --app or --from, on a terminal, it asks for the app, its workload and its secrets (never when stdin is not a terminal, CI is set, or with --json).
With --from, the app is read from the workload's pod-template annotations (role, auth path, secrets with their KV v2 data/ taken out, templates) and its service account. Secret values are never read: add data: sources yourself, or keep the secrets Vault already has.`

  static override examples = [
    {description: 'The tutorial app:', command: '<%= config.bin %> <%= command.id %> --app internal-app --workload deployment/orgchart --secret database-config.txt=internal/database/config'},
    {description: 'From a live workload, to stdout:', command: '<%= config.bin %> <%= command.id %> --from deployment/orgchart --output-file -'},
  ]

  static override flags = {
    'output-file': {...outputFileFlag('The file to write, or - for stdout [default: vsi.yaml].')},
    // -f names a file vsi reads (as in kubectl and every other vsi command), never the one init writes.
    file: Flags.string({char: 'f', hidden: true}),
    force: Flags.boolean({description: 'Overwrite an existing file.'}),
    from: Flags.string({description: 'Read the app from this injected workload (deployment/NAME, statefulset/NAME, daemonset/NAME).', exclusive: ['app', 'secret', 'workload']}),
    app: Flags.string({description: 'App name (Vault role and policy, default service account).'}),
    'service-account': Flags.string({description: "The app's service account (default: the app name)."}),
    workload: Flags.string({description: 'A workload of the app, e.g. deployment/orgchart (repeatable).', multiple: true}),
    secret: Flags.string({description: 'FILE=PATH: a secret the app reads, e.g. database-config.txt=internal/database/config (repeatable).', multiple: true}),
    'kv-path': Flags.string({description: 'The KV v2 engine.', default: 'internal'}),
    'auth-path': Flags.string({description: 'The Kubernetes auth method.', default: 'kubernetes'}),
    ...kubeFlags,
  }

  async run(): Promise<InitResult> {
    const {flags: parsed} = await this.parse(Init)
    if (parsed.file !== undefined) {
      throw usageError(`-f names a file to read (as in kubectl and vsi plan -f); vsi init writes its file with --output-file ${parsed.file}`, 'Write with --output-file FILE, or --output-file - for stdout.')
    }
    const flags = {...parsed, file: parsed['output-file'] ?? 'vsi.yaml'}
    // Before any question or cluster read: an existing file is kept unless --force.
    if (flags.file !== '-' && !flags.force && (await access(flags.file).then(() => true, () => false))) {
      throw usageError(`${flags.file} exists`, 'Add --force to overwrite it, or write elsewhere with --output-file FILE.')
    }
    const kvPath = trimSlashes(flags['kv-path'])
    let authPath = trimSlashes(flags['auth-path'])
    let app: StarterApp
    if (flags.from) {
      const ref = parseWorkloadRef(flags.from)
      const kube = await lazyKube(flags)()
      const namespace = flags.namespace ?? kube.namespace
      const read = appFromWorkload(ref, namespace, await kube.getWorkload(ref, namespace), kvPath)
      if (read.app.secrets.length === 0) throw usageError(`${flags.from} in ${namespace} has no vault.hashicorp.com/agent-inject-secret-* annotations to start from`, 'Give the app with --app, --workload and --secret instead.')
      app = read.app
      authPath = read.authPath ?? authPath
    } else if (!flags.app && canPrompt() && !this.jsonEnabled()) {
      const {askStarterApp} = await import('../setup/spec/init-prompts.js')
      app = {...(await askStarterApp(kvPath)), ...(flags.namespace ? {namespace: flags.namespace} : {}), ...(flags['service-account'] ? {serviceAccount: flags['service-account']} : {})}
    } else {
      if (!flags.app) throw usageError('give --app NAME (with --secret FILE=PATH and --workload KIND/NAME), or --from deployment/NAME')
      const secrets = (flags.secret ?? []).map((raw) => {
        const {key, value} = parseAssignment(raw, 'secret', 'FILE=PATH')
        return {file: key, path: trimSlashes(value)}
      })
      if (secrets.length === 0) throw usageError('give at least one --secret FILE=PATH, e.g. --secret database-config.txt=internal/database/config')
      app = {name: flags.app, ...(flags.namespace ? {namespace: flags.namespace} : {}), ...(flags['service-account'] ? {serviceAccount: flags['service-account']} : {}), workloads: flags.workload ?? [], secrets}
    }
    const text = await starterSpec({kvPath, authPath, app}, flags.file === '-' ? 'vsi.yaml' : flags.file)
    if (flags.file === '-') {
      process.stdout.write(text)
    } else {
      await writeFile(flags.file, text)
      this.log(`Wrote ${flags.file} (app ${app.name}). Next: vsi plan -f ${flags.file}`)
    }
    return {file: flags.file, apps: [app.name]}
  }
}
