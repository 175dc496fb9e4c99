import {Args, Flags} from '@oclif/core'

import {VsiCommand} from '../../cli/base-command.js'
import {withVaultSession} from '../../cli/connections.js'
import {kubeFlags, vaultFlags} from '../../cli/flags.js'
import {stderrNotice} from '../../cli/notice.js'
import {ttlFlagSeconds} from '../../duration.js'
import {usageError} from '../../errors.js'
import {formatAction} from '../../setup/render.js'
import {planRole} from '../../setup/single-object.js'
import {runStepsOrThrow, type Action} from '../../setup/steps.js'
import type {RoleSpec} from '../../vault/kubernetes-auth.js'
import {trimSlashes} from '../../vault/mounts.js'
import {normalizePolicyName} from '../../vault/policy.js'
import {normalizeRoleName} from '../../vault/role-name.js'

export interface RoleCreateResult {
  name: string
  authPath: string
  dryRun: boolean
  /** The role, then each service account. */
  actions: Action[]
}

export default class RoleCreate extends VsiCommand<RoleCreateResult> {
  static override summary = 'Write a Kubernetes auth role binding service accounts to policies, and create the service accounts.'

  static override description = 'An unchanged role is not written again; existing service accounts are kept.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> internal-app --service-account internal-app --namespace default --policy internal-app',
    '<%= config.bin %> <%= command.id %> payroll --service-account payroll --namespace offsite --policy payroll --ttl 1h --audience vault',
  ]

  static override args = {
    name: Args.string({description: 'Role name (Vault stores it lower-cased).', required: true}),
  }

  static override flags = {
    'service-account': Flags.string({description: 'Service account name(s) the role accepts (comma-separated; * for any).', required: true, multiple: true, delimiter: ','}),
    policy: Flags.string({description: 'Policy name(s) for the tokens (comma-separated).', required: true, multiple: true, delimiter: ','}),
    ttl: Flags.string({description: 'Token TTL: seconds or a duration such as 24h.', default: '24h'}),
    audience: Flags.string({description: 'Audience the service account tokens must carry.'}),
    'auth-path': Flags.string({description: 'Where the Kubernetes auth method is mounted.', default: 'kubernetes'}),
    'no-service-account': Flags.boolean({description: 'Do not create the service accounts in the cluster.'}),
    'dry-run': Flags.boolean({description: 'Print what would be created or changed; write nothing.'}),
    ...vaultFlags,
    ...kubeFlags,
  }

  async run(): Promise<RoleCreateResult> {
    const {args, flags} = await this.parse(RoleCreate)
    const name = normalizeRoleName(args.name)
    const authPath = trimSlashes(flags['auth-path'])
    const ttlSeconds = ttlFlagSeconds(flags.ttl)
    const policies = flags.policy.map((policy) => normalizePolicyName(policy))
    const serviceAccounts = flags['service-account'].map((account) => account.trim()).filter(Boolean)
    if (serviceAccounts.length === 0) throw usageError('--service-account is empty')
    const dryRun = flags['dry-run']

    return withVaultSession(flags, stderrNotice(this.jsonEnabled()), async ({vault}, kube) => {
      const cluster = flags['no-service-account'] && flags.namespace ? undefined : await kube()
      const namespace = flags.namespace ?? cluster!.namespace
      const wanted: RoleSpec = {serviceAccounts, namespaces: [namespace], policies, ttlSeconds, audience: flags.audience}
      const plan = await planRole(vault, {authPath, name, wanted, cluster: flags['no-service-account'] ? undefined : cluster})
      for (const policy of plan.missingPolicies) this.warn(`policy ${policy} does not exist yet: tokens of this role will not have it until it is created`)
      // A failed step is thrown as the command's error; the step it stopped is not listed.
      const actions = await runStepsOrThrow(plan.steps, dryRun, (action) => {
        if (action.status !== 'failed' && action.status !== 'skipped') this.log(formatAction(action))
      })
      return {name, authPath, dryRun, actions}
    })
  }
}
