import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../../cli/base-command.js'
import {withVaultSession} from '../../cli/connections.js'
import {clusterFlags, vaultFlags} from '../../cli/flags.js'
import {stderrNotice} from '../../cli/notice.js'
import {formatSeconds} from '../../duration.js'
import {VsiError} from '../../errors.js'
import {readRole} from '../../vault/kubernetes-auth.js'
import {trimSlashes} from '../../vault/mounts.js'
import {normalizeRoleName} from '../../vault/role-name.js'

export interface RoleShowResult {
  name: string
  authPath: string
  serviceAccounts: string[]
  namespaces: string[]
  policies: string[]
  ttl: string
  ttlSeconds: number
  audience?: string
}

export default class RoleShow extends VsiCommand<RoleShowResult> {
  static override summary = 'Print a Kubernetes auth role.'

  static override examples = ['<%= config.bin %> <%= command.id %> internal-app']

  static override args = {
    name: Args.string({description: 'Role name.', required: true}),
  }

  static override flags = {
    'auth-path': Flags.string({description: 'Where the Kubernetes auth method is mounted.', default: 'kubernetes'}),
    ...vaultFlags,
    ...clusterFlags,
  }

  async run(): Promise<RoleShowResult> {
    const {args, flags} = await this.parse(RoleShow)
    const name = normalizeRoleName(args.name)
    const authPath = trimSlashes(flags['auth-path'])
    return withVaultSession(flags, stderrNotice(this.jsonEnabled()), async ({vault}) => {
      const role = await readRole(vault, authPath, name)
      if (!role) throw new VsiError(`no role ${name} at auth/${authPath}/`, {code: 'role-not-found', hint: `Create it with: vsi role create ${name} --service-account SA --policy POLICY`})
      const result: RoleShowResult = {
        name,
        authPath,
        serviceAccounts: role.serviceAccounts,
        namespaces: role.namespaces,
        policies: role.policies,
        ttl: formatSeconds(role.ttlSeconds),
        ttlSeconds: role.ttlSeconds,
        ...(role.audience ? {audience: role.audience} : {}),
      }
      const rows: Array<[string, string]> = [
        ['service accounts', role.serviceAccounts.join(', ')],
        ['namespaces', role.namespaces.join(', ')],
        ['policies', role.policies.join(', ') || '(none)'],
        ['ttl', role.ttlSeconds === 0 ? '(mount default)' : result.ttl],
        ['audience', role.audience ?? '(none)'],
      ]
      this.log(`role ${name} (auth/${authPath})`)
      for (const [label, value] of rows) this.log(`${label.padEnd(16)}  ${value}`)
      return result
    })
  }
}
