/**
 * The plan of one policy, one role and one service account, built one way for `vsi setup`, `vsi apply -f` and the
 * single-object commands (`vsi policy create`, `vsi role create`): the same comparison decides create, change or
 * unchanged, and the same write runs.
 */
import {VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import type {VaultClient} from '../vault/client.js'
import {roleChanges, writeRole, type RoleSpec} from '../vault/kubernetes-auth.js'
import {samePolicy, writePolicy} from '../vault/policy.js'
import {createServiceAccountIfMissing} from './service-account.js'
import type {Step} from './steps.js'

export interface PolicyStepOptions {
  name: string
  hcl: string
  /** The policy Vault holds now, if any. */
  current: string | undefined
  id?: string
}

export function policyStep(vault: VaultClient, {name, hcl, current, id = 'policy'}: PolicyStepOptions): Step {
  const same = current !== undefined && samePolicy(current, hcl)
  return {
    id,
    target: `policy ${name}`,
    state: current === undefined ? 'create' : same ? 'unchanged' : 'change',
    detail: current !== undefined && !same ? 'rules' : undefined,
    run: () => writePolicy(vault, name, hcl),
  }
}

export interface RoleStepOptions {
  authPath: string
  name: string
  wanted: RoleSpec
  /** The role Vault holds now, if any. */
  current: RoleSpec | undefined
  /** How the role is named in the output. */
  target: string
  id?: string
  after?: string[]
}

export function roleStep(vault: VaultClient, {authPath, name, wanted, current, target, id = 'role', after}: RoleStepOptions): Step {
  const changes = current ? roleChanges(current, wanted) : []
  return {
    id,
    target,
    state: !current ? 'create' : changes.length > 0 ? 'change' : 'unchanged',
    detail: changes.join('; ') || undefined,
    ...(after ? {after} : {}),
    run: () =>
      writeRole(vault, authPath, name, wanted).catch((error: unknown) => {
        throw noAuthMount(error, authPath)
      }),
  }
}

/** Vault answers a write under a mount that does not exist with 404: say which mount is missing. */
function noAuthMount(error: unknown, authPath: string): unknown {
  if (!(error instanceof VsiError) || error.code !== 'vault-not-found') return error
  return new VsiError(`no Kubernetes auth method is enabled at auth/${authPath}/`, {
    code: 'auth-mount-missing',
    hint: `Enable and configure it with: vsi setup --auth-path ${authPath}`,
    cause: error,
  })
}

export interface ServiceAccountStepOptions {
  account: string
  namespace: string
  exists: boolean
  after?: string[]
}

export function serviceAccountStep(kube: KubeClient, {account, namespace, exists, after}: ServiceAccountStepOptions): Step {
  return {
    id: 'service-account',
    target: `service account ${namespace}/${account}`,
    state: exists ? 'unchanged' : 'create',
    ...(after ? {after} : {}),
    run: () => createServiceAccountIfMissing(kube, account, namespace),
  }
}
