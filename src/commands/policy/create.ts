import {Args, Flags} from '@oclif/core'
import {readFile} from 'node:fs/promises'

import {VsiCommand} from '../../cli/base-command.js'
import {withVaultSession} from '../../cli/connections.js'
import {clusterFlags, vaultFlags} from '../../cli/flags.js'
import {stderrNotice} from '../../cli/notice.js'
import {inputError, usageError, VsiError} from '../../errors.js'
import {readStdin} from '../../stdin.js'
import type {VaultClient} from '../../vault/client.js'
import {kvLocationOf} from '../../vault/kv-path.js'
import {planPolicy} from '../../setup/single-object.js'
import {runStepsOrThrow} from '../../setup/steps.js'
import {assertWritablePolicy, kvPolicyRules, normalizePolicyName, parseCapabilities, renderPolicy, validatePolicyPath} from '../../vault/policy.js'

export interface PolicyCreateResult {
  name: string
  /** create / change / unchanged with --dry-run; created / changed / unchanged otherwise. */
  status: 'create' | 'change' | 'unchanged' | 'created' | 'changed'
  policy: string
  dryRun: boolean
}

export default class PolicyCreate extends VsiCommand<PolicyCreateResult> {
  static override summary = 'Write an ACL policy granting capabilities on a path; KV v2 paths get their data/ (and metadata/ for list) prefix.'

  static override description = `The KV version is read from the live mount, so "internal/database/config" becomes "internal/data/database/config" on a kv v2 engine. An unchanged policy is not written again.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> internal-app --path internal/database/config',
    '<%= config.bin %> <%= command.id %> team-reader --path "internal/team/*" --capabilities read,list --dry-run',
    '<%= config.bin %> <%= command.id %> custom --file policy.hcl',
  ]

  static override args = {
    name: Args.string({description: 'Policy name (Vault stores it lower-cased).', required: true}),
  }

  static override flags = {
    path: Flags.string({description: 'The path the policy grants access to (globs * and + allowed).', exactlyOne: ['path', 'file']}),
    capabilities: Flags.string({description: 'Comma-separated capabilities.', default: ['read'], multiple: true, delimiter: ','}),
    file: Flags.string({description: 'Write this HCL file (or - for stdin) as the policy, instead of --path.', exactlyOne: ['path', 'file']}),
    'dry-run': Flags.boolean({description: 'Print the HCL and whether it would be created or changed; write nothing.'}),
    ...vaultFlags,
    ...clusterFlags,
  }

  async run(): Promise<PolicyCreateResult> {
    const {args, flags} = await this.parse(PolicyCreate)
    const name = normalizePolicyName(args.name)
    assertWritablePolicy(name)
    if (name !== args.name) this.warn(`Vault stores policy names lower-cased: writing "${name}"`)
    const capabilities = flags.path === undefined ? [] : parseCapabilities(flags.capabilities)
    if (flags.path !== undefined) validatePolicyPath(flags.path)
    const fileHcl = flags.file === undefined ? undefined : await readHcl(flags.file)

    return withVaultSession(flags, stderrNotice(this.jsonEnabled()), async ({vault}) => {
      const {step, hcl} = await planPolicy(vault, name, fileHcl ?? this.hclForPath(vault, flags.path!, capabilities))
      const dryRun = flags['dry-run'] === true
      const [action] = await runStepsOrThrow([step], dryRun, () => {})
      const status = action.status as PolicyCreateResult['status']
      this.log(`${dryRun && status !== 'unchanged' ? `would ${status}` : status}: policy ${name}`)
      this.log(hcl.trimEnd())
      return {name, status, policy: hcl, dryRun}
    })
  }

  private async hclForPath(vault: VaultClient, path: string, capabilities: string[]): Promise<string> {
    // The mount is found from the part before any glob: "internal/team/*" → "internal/team".
    const lookup = path.split(/[*+]/)[0].replace(/\/+$/, '')
    try {
      const location = await kvLocationOf(vault, lookup === '' ? path : lookup)
      return renderPolicy(kvPolicyRules(path.replace(/^\/+/, ''), location, capabilities))
    } catch (error) {
      if (!(error instanceof VsiError) || !['kv-mount-missing', 'kv-mount-wrong-type'].includes(error.code)) throw error
      this.warn(`${path} is not under a KV engine: the path is used as written`)
      return renderPolicy([{path: path.replace(/^\/+/, ''), capabilities}])
    }
  }
}

async function readHcl(file: string): Promise<string> {
  let text: string
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8')
  } catch (error) {
    throw inputError(`--file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  if (text.trim() === '') throw usageError(`--file ${file} is empty`)
  return text
}

