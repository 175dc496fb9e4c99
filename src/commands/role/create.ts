import {Args, Flags} from '@oclif/core'

import {settleAll} from '../../async.js'
import {VsiCommand} from '../../cli/base-command.js'
import {withVaultSession} from '../../cli/connections.js'
import {kubeFlags, vaultFlags} from '../../cli/flags.js'
import {stderrNotice} from '../../cli/notice.js'
import {formatSeconds, ttlFlagSeconds} from '../../duration.js'
import {usageError, VsiError} from '../../errors.js'
import {formatAction} from '../../setup/render.js'
import {createServiceAccountIfMissing} from '../../setup/service-account.js'
import type {Action} from '../../setup/steps.js'
import {readRole, roleChanges, writeRole, type RoleSpec} from '../../vault/kubernetes-auth.js'
import {trimSlashes} from '../../vault/mounts.js'
import {normalizePolicyName, readPolicy} from '../../vault/policy.js'
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
      const creatable = flags['no-service-account'] || !cluster ? [] : serviceAccounts.filter((account) => !/[*?]/.test(account) && namespace !== '*')
      const [current, missingPolicies, accounts] = await settleAll([
        readRole(vault, authPath, name),
        settleAll(policies.map(async (policy) => ((await readPolicy(vault, policy)) === undefined ? policy : undefined))),
        settleAll(creatable.map(async (account) => ({account, exists: (await cluster!.findServiceAccount(account, namespace)) !== undefined}))),
      ])
      for (const policy of missingPolicies.filter(Boolean)) this.warn(`policy ${policy} does not exist yet: tokens of this role will not have it until it is created`)

      const changes = current ? roleChanges(current, wanted) : []
      const roleState = !current ? 'create' : changes.length > 0 ? 'change' : 'unchanged'
      const roleTarget = `role ${name} (auth/${authPath}): service accounts ${serviceAccounts.join(',')}, namespace ${namespace}, policies ${policies.join(',')}, ttl ${formatSeconds(ttlSeconds)}${flags.audience ? `, audience ${flags.audience}` : ''}`
      const actions: Action[] = []
      const report = (action: Action) => {
        actions.push(action)
        this.log(formatAction(action))
      }
      const roleDetail = changes.join('; ') || undefined
      if (dryRun || roleState === 'unchanged') report({step: 'role', target: roleTarget, status: dryRun ? roleState : 'unchanged', ...(roleDetail ? {detail: roleDetail} : {})})
      else {
        await writeRole(vault, authPath, name, wanted).catch((error: unknown) => {
          throw noAuthMount(error, authPath)
        })
        report({step: 'role', target: roleTarget, status: roleState === 'create' ? 'created' : 'changed', ...(roleDetail ? {detail: roleDetail} : {})})
      }
      for (const {account, exists} of accounts) {
        const target = `service account ${namespace}/${account}`
        if (exists || dryRun) report({step: 'service-account', target, status: exists ? 'unchanged' : 'create'})
        else {
          await createServiceAccountIfMissing(cluster!, account, namespace)
          report({step: 'service-account', target, status: 'created'})
        }
      }
      return {name, authPath, dryRun, actions}
    })
  }
}

function noAuthMount(error: unknown, authPath: string): unknown {
  if (!(error instanceof VsiError) || error.code !== 'vault-not-found') return error
  return new VsiError(`no Kubernetes auth method is enabled at auth/${authPath}/`, {
    code: 'auth-mount-missing',
    hint: `Enable and configure it with: vsi setup --auth-path ${authPath}`,
    cause: error,
  })
}
