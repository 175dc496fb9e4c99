import {Args} from '@oclif/core'

import {VsiCommand} from '../../cli/base-command.js'
import {withVaultSession} from '../../cli/connections.js'
import {clusterFlags, vaultFlags} from '../../cli/flags.js'
import {stderrNotice} from '../../cli/notice.js'
import {VsiError} from '../../errors.js'
import {normalizePolicyName, readPolicy} from '../../vault/policy.js'

export interface PolicyShowResult {
  name: string
  policy: string
}

export default class PolicyShow extends VsiCommand<PolicyShowResult> {
  static override summary = 'Print an ACL policy.'

  static override examples = ['<%= config.bin %> <%= command.id %> internal-app']

  static override args = {
    name: Args.string({description: 'Policy name.', required: true}),
  }

  static override flags = {...vaultFlags, ...clusterFlags}

  async run(): Promise<PolicyShowResult> {
    const {args, flags} = await this.parse(PolicyShow)
    const name = normalizePolicyName(args.name)
    return withVaultSession(flags, stderrNotice(this.jsonEnabled()), async ({vault}) => {
      const policy = await readPolicy(vault, name)
      if (policy === undefined) throw new VsiError(`no policy named ${name}`, {code: 'policy-not-found', hint: `Create it with: vsi policy create ${name} --path PATH`})
      this.log(policy.trimEnd())
      return {name, policy}
    })
  }
}
