import {settleAll} from '../async.js'
import {formatSeconds} from '../duration.js'
import {usageError, VsiError} from '../errors.js'
import {readAuthConfig, readRole, roleChanges, writeRole, type RoleSpec} from '../vault/kubernetes-auth.js'
import {kvV2Location} from '../vault/kv-path.js'
import {readKvSecret, sameSecret, writeKvSecret} from '../vault/kv.js'
import {describeMount, enableAuthMethod, enableKvV2, kvVersionOfEntry, mountKey, readAuthMounts, readSecretsMounts} from '../vault/mounts.js'
import {kvPolicyRules, readPolicy, renderPolicy, samePolicy, writePolicy} from '../vault/policy.js'
import {authConfigStep, inClusterDelegatorStep, readReviewerState, reviewerAccountSteps} from './auth-steps.js'
import type {SetupContext} from './context.js'
import {loginAsAppStep} from './login-as-app.js'
import {createServiceAccountIfMissing} from './service-account.js'
import type {Step} from './steps.js'

export interface SetupPlan {
  steps: Step[]
  /** --secret names a secret that does not exist and no values were given. */
  secretNeedsValues: boolean
}

/** Reads the current state (every read at once) and decides what to create or change; writes nothing. */
export async function planSetup(context: SetupContext): Promise<SetupPlan> {
  const {vault, kube, inputs} = context
  const secretLocation = inputs.secret && kvV2Location(inputs.kvPath, inputs.secret.path)
  const [mounts, auths, secret, policy, role, authConfig, appAccount, reviewer, delegator] = await settleAll([
    readSecretsMounts(vault),
    readAuthMounts(vault),
    secretLocation ? readKvSecret(vault, secretLocation) : undefined,
    inputs.app ? readPolicy(vault, inputs.app.name) : undefined,
    inputs.app ? readRole(vault, inputs.authPath, inputs.app.name) : undefined,
    readAuthConfig(vault, inputs.authPath),
    inputs.app ? kube.findServiceAccount(inputs.app.name, inputs.namespace) : undefined,
    inputs.vaultInCluster ? undefined : readReviewerState(kube, inputs.namespace),
    inputs.vaultInCluster && context.vaultPod ? inClusterDelegatorStep(kube, context.vaultPod) : undefined,
  ])

  const kvEntry = mounts.get(mountKey(inputs.kvPath))
  if (kvEntry && kvVersionOfEntry(kvEntry) !== 2) {
    throw new VsiError(`${inputs.kvPath}/ is a ${describeMount(kvEntry)} secrets engine; vsi setup needs kv v2 there`, {
      code: 'kv-mount-wrong-type',
      hint: `Choose another --kv-path, or change the engine yourself (for kv v1: vault kv enable-versioning ${inputs.kvPath}/). vsi never disables or re-creates an engine.`,
    })
  }
  const authEntry = auths.get(mountKey(inputs.authPath))
  if (authEntry && authEntry.type !== 'kubernetes') {
    throw new VsiError(`auth/${inputs.authPath}/ is a ${authEntry.type} auth method, not kubernetes`, {
      code: 'auth-mount-wrong-type',
      hint: 'Choose another --auth-path. vsi never disables or re-creates an auth method.',
    })
  }

  const steps: Step[] = [
    {
      id: 'kv-mount',
      target: `secrets engine ${inputs.kvPath}/ (kv v2)`,
      state: kvEntry ? 'unchanged' : 'create',
      run: () => enableKvV2(vault, inputs.kvPath),
    },
  ]
  let secretNeedsValues = false
  if (inputs.secret && secretLocation) {
    const wanted = inputs.secret
    secretNeedsValues = !secret && !wanted.data
    const changedKeys = secret && wanted.data && !sameSecret(secret.data, wanted.data) ? changedKeyNames(secret.data, wanted.data) : undefined
    steps.push({
      id: 'secret',
      target: `secret ${wanted.path}`,
      state: !secret ? 'create' : changedKeys ? 'change' : 'unchanged',
      detail: changedKeys ? `keys ${changedKeys.join(', ')}` : undefined,
      after: ['kv-mount'],
      run: async () => {
        if (!wanted.data) throw usageError(`no values for the secret ${wanted.path}`)
        // Check-and-set with the version planned on: two runs at once never write two versions of the same data.
        const planned = secret?.version ?? 0
        try {
          const {version} = await writeKvSecret(vault, secretLocation, wanted.data, planned)
          return version === undefined ? undefined : `version ${version}`
        } catch (error) {
          if (!(error instanceof Error && /check-and-set parameter did not match/.test(error.message))) throw error
          const now = await readKvSecret(vault, secretLocation)
          if (now && sameSecret(now.data, wanted.data)) return `already version ${now.version} (written meanwhile by another run)`
          throw new VsiError(`secret ${wanted.path} changed since vsi read it (version ${planned}); nothing was written`, {
            code: 'cas-mismatch',
            hint: 'Another writer changed it meanwhile. Run vsi setup again to plan against the current version.',
            cause: error,
          })
        }
      },
    })
  }
  steps.push({
    id: 'auth-method',
    target: `auth method ${inputs.authPath}/ (kubernetes)`,
    state: authEntry ? 'unchanged' : 'create',
    run: () => enableAuthMethod(vault, inputs.authPath, 'kubernetes'),
  })

  if (delegator) steps.push(delegator)
  if (reviewer) steps.push(...reviewerAccountSteps(kube, inputs.namespace, reviewer))
  steps.push(authConfigStep(context, authConfig, reviewer))

  // An app always comes with the secret its policy reads (the command checks it).
  if (inputs.app && inputs.secret) {
    const app = inputs.app
    const hcl = renderPolicy(kvPolicyRules(inputs.secret.path, {mount: inputs.kvPath, version: 2}, ['read']))
    steps.push({
      id: 'policy',
      target: `policy ${app.name}`,
      state: policy === undefined ? 'create' : samePolicy(policy, hcl) ? 'unchanged' : 'change',
      detail: policy !== undefined && !samePolicy(policy, hcl) ? 'rules' : undefined,
      run: () => writePolicy(vault, app.name, hcl),
    })
    const wantedRole: RoleSpec = {serviceAccounts: [app.name], namespaces: [inputs.namespace], policies: [app.name], ttlSeconds: app.ttlSeconds, audience: app.audience}
    const roleDiff = role ? roleChanges(role, wantedRole) : []
    steps.push({
      id: 'role',
      target: `role ${app.name} (auth/${inputs.authPath}, ttl ${formatSeconds(app.ttlSeconds)})`,
      state: !role ? 'create' : roleDiff.length > 0 ? 'change' : 'unchanged',
      detail: roleDiff.join('; ') || undefined,
      after: ['auth-method'],
      run: () => writeRole(vault, inputs.authPath, app.name, wantedRole),
    })
    steps.push({
      id: 'service-account',
      target: `service account ${inputs.namespace}/${app.name}`,
      state: appAccount ? 'unchanged' : 'create',
      run: () => createServiceAccountIfMissing(kube, app.name, inputs.namespace),
    })
  }
  const changes = steps.some((step) => step.state === 'create' || step.state === 'change')
  if (inputs.app && inputs.secret && (inputs.verify ?? changes)) steps.push(loginAsAppStep(context, steps.map((step) => step.id)))
  return {steps, secretNeedsValues}
}

function changedKeyNames(current: Record<string, string>, wanted: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(current), ...Object.keys(wanted)])
  return [...keys].filter((key) => current[key] !== wanted[key]).sort()
}
