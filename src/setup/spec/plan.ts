/**
 * `vsi plan` / `vsi apply`: the steps that take the live state to what vsi.yaml declares, grouped per app. The same
 * Step model and runner as `vsi setup` (../steps.ts): each step runs as soon as the steps it needs are done, so the
 * writes of every app go out together.
 */
import {VsiError} from '../../errors.js'
import {applyWorkloadPatch} from '../../kube/apply.js'
import type {RolloutStatus} from '../../kube/rollout.js'
import {patchWouldChange} from '../../kube/strategic-merge.js'
import {formatRef, type WorkloadRef} from '../../kube/workload.js'
import {formatSeconds} from '../../duration.js'
import {readKvCurrentVersion, readKvSecret, sameSecret, writeKvCustomMetadata, writeKvSecret, type KvSecret} from '../../vault/kv.js'
import {describeMount, enableAuthMethod, enableKv, kvVersionOfEntry, mountKey} from '../../vault/mounts.js'
import {authConfigStep, reviewerAccountSteps} from '../auth-steps.js'
import type {SetupContext} from '../context.js'
import {policyStep, roleStep} from '../object-steps.js'
import {createServiceAccountIfMissing} from '../service-account.js'
import type {Step} from '../steps.js'
import type {AppState, CurrentState, EngineContext} from './current.js'
import type {ResolvedData} from './data.js'
import type {SecretSpec} from './file.js'
import {isInjectorAnnotation, kvLocation, podAnnotations, policyText, roleRef, roleSpec, type PlacedApp} from './desired.js'
import {appLoginStep} from './login.js'
import {APP_ANNOTATION, kvMarks, MOUNT_DESCRIPTION, readPolicyMarks, serviceAccountMarks} from './ownership.js'

export interface AppPlan {
  name: string
  namespace: string
  steps: Step[]
}

export interface SpecPlan {
  /** The KV engine, the auth method and its configuration: shared by every app. */
  shared: Step[]
  apps: AppPlan[]
}

export interface ApplyOptions {
  data: ResolvedData
  /** true: log in as every app; false: never; undefined: as each app whose setup changed. */
  verify?: boolean
  /** Per workload rollout (the patch, and the wait for its pods). */
  timeoutMs: number
  wait: boolean
  warn: (message: string) => void
  /** Each observation of a workload's rollout (`deployment/orgchart in apps`), for progress lines. */
  onRollout?: (workload: string, status: RolloutStatus) => void
  /** Count the new revision's pods alone in those observations (see waitForRollout). */
  countNewPods?: boolean
}

export const isChange = (step: Step) => step.state === 'create' || step.state === 'change'

/** The context the auth-method steps of `vsi setup` take: the reviewer account lives in the context's namespace. */
export function setupContextOf(context: EngineContext): SetupContext {
  const {spec, kube} = context
  return {
    vault: context.vault,
    kube,
    vaultPod: context.vaultPod,
    inputs: {kvPath: spec.kvPath, authPath: spec.authPath, namespace: kube.namespace, vaultInCluster: context.vaultInCluster, kubernetesHost: context.kubernetesHost},
  }
}

export function checkMountTypes(context: EngineContext, current: CurrentState): void {
  const {spec} = context
  const {names} = spec
  const kvEntry = current.mounts.get(mountKey(spec.kvPath))
  if (kvEntry && kvVersionOfEntry(kvEntry) !== spec.kvVersion) {
    const version = kvVersionOfEntry(kvEntry)
    const change = version === 1 ? `, or change the engine yourself (vault kv enable-versioning ${spec.kvPath}/)` : version === 2 ? `, or set vault.kv.version: 2` : ''
    throw new VsiError(`${spec.kvPath}/ is a ${describeMount(kvEntry)} secrets engine; ${names.source} needs kv v${spec.kvVersion} there`, {
      code: 'kv-mount-wrong-type',
      hint: `Choose another ${names.kvPath}${change}. vsi never disables or re-creates an engine.`,
    })
  }
  const authEntry = current.auths.get(mountKey(spec.authPath))
  if (authEntry && authEntry.type !== 'kubernetes') {
    throw new VsiError(`auth/${spec.authPath}/ is a ${authEntry.type} auth method, not kubernetes`, {
      code: 'auth-mount-wrong-type',
      hint: `Choose another ${names.authPath}. vsi never disables or re-creates an auth method.`,
    })
  }
}

function sharedSteps(context: EngineContext, current: CurrentState): Step[] {
  const {spec, vault, kube} = context
  const description = context.markOwnership ? MOUNT_DESCRIPTION : undefined
  const steps: Step[] = [
    {
      id: 'kv-mount',
      target: `secrets engine ${spec.kvPath}/ (kv v${spec.kvVersion})`,
      state: current.mounts.has(mountKey(spec.kvPath)) ? 'unchanged' : 'create',
      run: () => enableKv(vault, spec.kvPath, spec.kvVersion, description),
    },
    {
      id: 'auth-method',
      target: `auth method ${spec.authPath}/ (kubernetes)`,
      state: current.auths.has(mountKey(spec.authPath)) ? 'unchanged' : 'create',
      run: () => enableAuthMethod(vault, spec.authPath, 'kubernetes', description),
    },
  ]
  if (current.delegator) steps.push(current.delegator)
  if (current.reviewer) steps.push(...reviewerAccountSteps(kube, kube.namespace, current.reviewer))
  steps.push(authConfigStep(setupContextOf(context), current.authConfig, current.reviewer))
  return steps
}

export function planApply(context: EngineContext, current: CurrentState, options: ApplyOptions): SpecPlan {
  checkMountTypes(context, current)
  const shared = sharedSteps(context, current)
  const secretOwners = new Map<string, string>()
  shared.push(...secretSteps(context, current, context.spec.secrets ?? [], undefined, options, secretOwners))
  const apps = context.apps.map((app): AppPlan => {
    const state = current.apps.get(app.name)!
    const steps = [
      ...secretSteps(context, current, app.secrets, app.name, options, secretOwners),
      ...vaultSteps(context, current, app, state),
      serviceAccountStep(context, app, state),
    ]
    const before = steps.map((step) => step.id)
    steps.push(...app.workloads.map((ref) => workloadStep(context, app, state, ref, before, options)))
    const changed = shared.some(isChange) || steps.some(isChange)
    // A secret another app writes is read only once that app has written it.
    const secretIds = app.secrets.map((secret) => `secret:${secret.path}`)
    if (options.verify ?? changed) steps.push(appLoginStep(context, app, options.data, [...new Set([...[...shared, ...steps].map((step) => step.id), ...secretIds])]))
    return {name: app.name, namespace: app.namespace, steps}
  })
  return {shared, apps}
}

/** Secrets with data are written; without, they must exist. `app`: the app that declares them (none for setup's lone secret). */
function secretSteps(context: EngineContext, current: CurrentState, secrets: SecretSpec[], app: string | undefined, options: ApplyOptions, owners: Map<string, string>): Step[] {
  const {spec} = context
  const steps: Step[] = []
  for (const secret of secrets) {
    // A secret several apps read is written once, by the first app that gives its data.
    const wanted = options.data.get(secret)
    if (owners.has(secret.path) || (!wanted && context.apps.some((other) => other.name !== app && other.secrets.some((s) => s.path === secret.path && s.data)))) continue
    owners.set(secret.path, app ?? '')
    const live = current.secrets.get(secret.path)
    const id = `secret:${secret.path}`
    if (!wanted) {
      steps.push({
        id,
        target: `secret ${secret.path}`,
        state: live ? 'unchanged' : 'missing',
        detail: live ? undefined : `it does not exist and ${spec.names.source} gives no data: ${spec.names.giveData}`,
        after: ['kv-mount'],
      })
      continue
    }
    const changedKeys = live && !sameSecret(live.data, wanted) ? [...new Set([...Object.keys(live.data), ...Object.keys(wanted)])].filter((key) => live.data[key] !== wanted[key]).sort() : []
    steps.push({
      id,
      target: `secret ${secret.path}`,
      state: !live ? 'create' : changedKeys.length > 0 ? 'change' : 'unchanged',
      detail: changedKeys.length > 0 ? `keys ${changedKeys.join(', ')}` : undefined,
      after: ['kv-mount'],
      run: () => writeSecret(context, secret.path, wanted, live, app),
    })
  }
  return steps
}

/**
 * KV v2: check-and-set with the version planned on: two runs at once never write two versions of the same data, and a
 * secret changed since the plan is not overwritten. KV v1 has neither versions nor metadata: a plain write.
 */
async function writeSecret(context: EngineContext, path: string, wanted: Record<string, string>, live: KvSecret | undefined, app: string | undefined): Promise<string | undefined> {
  const {vault, spec} = context
  const location = kvLocation(spec, path)
  if (location.version === 1) {
    await writeKvSecret(vault, location, wanted)
    return undefined
  }
  const planned = live?.version ?? 0
  // Marked as vsi's only when vsi creates it (destroy --purge-secrets leaves secrets it found), and marked before its
  // data: a run stopped between the two writes (Vault failing, the process killed) never leaves vsi's secret
  // unmarked, which no later run could tell from one that existed before. A key whose latest version was deleted
  // reads as absent but is someone's: it has versions, so it is not marked (and check-and-set 0 refuses the write).
  if (!live && context.markOwnership && !((await readKvCurrentVersion(vault, location)) ?? 0)) await writeKvCustomMetadata(vault, location, kvMarks(app ?? ''))
  let version: number | undefined
  try {
    ;({version} = await writeKvSecret(vault, location, wanted, planned))
  } catch (error) {
    if (!(error instanceof Error && /check-and-set parameter did not match/.test(error.message))) throw error
    const now = await readKvSecret(vault, location)
    if (now && sameSecret(now.data, wanted)) return `already version ${now.version} (written meanwhile by another run)`
    throw new VsiError(`secret ${path} changed since vsi read it (version ${planned}); nothing was written`, {
      code: 'cas-mismatch',
      hint: 'Another writer changed it meanwhile. Run the command again to plan against the current version.',
      cause: error,
    })
  }
  return version === undefined ? undefined : `version ${version}`
}

/**
 * The existing policies an app's `policies:` adds: each must exist (Vault would bind a role to a missing policy
 * without a word, granting nothing), unless an app of this run writes it.
 */
function extraPolicySteps(context: EngineContext, current: CurrentState, app: PlacedApp): Step[] {
  return app.policies.flatMap((name): Step[] => {
    if (!current.extraPolicies.has(name)) return []
    const exists = current.extraPolicies.get(name) !== undefined
    return [
      {
        id: `${app.name}/extra-policy:${name}`,
        target: `policy ${name} (policies:)`,
        state: exists ? 'unchanged' : 'missing',
        detail: exists ? undefined : `Vault has no policy ${name}: write it first (vault policy write ${name} …), or take it out of the app's policies`,
      },
    ]
  })
}

function vaultSteps(context: EngineContext, current: CurrentState, app: PlacedApp, state: AppState): Step[] {
  const {vault, spec} = context
  const extra = extraPolicySteps(context, current, app)
  const written = app.policies.filter((name) => !current.extraPolicies.has(name) && context.apps.some((other) => other.name === name && other.name !== app.name))
  // vsi owns what it creates now, and what its policy header recorded it creating before.
  const marks = readPolicyMarks(state.policy)
  const owns = {policy: state.policy === undefined || marks.managed, role: !state.role || marks.createdRole === roleRef(spec, app)}
  const hcl = policyText(spec, app, context.markOwnership ? owns : undefined)
  return [
    ...extra,
    policyStep(vault, {id: `${app.name}/policy`, name: app.name, hcl, current: state.policy}),
    roleStep(vault, {
      id: `${app.name}/role`,
      authPath: spec.authPath,
      name: app.name,
      wanted: roleSpec(app),
      current: state.role,
      target: `role ${app.name} (auth/${spec.authPath}, ${app.namespace}/${app.serviceAccount}, ttl ${formatSeconds(app.ttlSeconds)})`,
      after: ['auth-method', ...extra.map((step) => step.id), ...written.map((name) => `${name}/policy`)],
    }),
  ]
}

function serviceAccountStep(context: EngineContext, app: PlacedApp, state: AppState): Step {
  const {kube} = context
  return {
    id: `${app.name}/service-account`,
    target: `service account ${app.namespace}/${app.serviceAccount}`,
    state: state.account ? 'unchanged' : 'create',
    run: () => createServiceAccountIfMissing(kube, app.serviceAccount, app.namespace, context.markOwnership ? serviceAccountMarks(app.name) : undefined),
  }
}

/** The strategic merge patch that sets the app's annotations and, on a workload vsi annotated before, drops stale ones. */
export function workloadPatch(current: Record<string, string>, wanted: Record<string, string>, app: string): {patch: object; detail: string[]} {
  const owned = current[APP_ANNOTATION] === app
  const stale = owned ? Object.keys(current).filter((key) => isInjectorAnnotation(key) && !Object.hasOwn(wanted, key)) : []
  const short = (key: string) => (isInjectorAnnotation(key) ? key.slice(key.indexOf('/') + 1) : key)
  const detail = [
    ...Object.keys(wanted).filter((key) => !Object.hasOwn(current, key)).map((key) => `+${short(key)}`),
    ...Object.keys(wanted).filter((key) => Object.hasOwn(current, key) && current[key] !== wanted[key]).map((key) => `~${short(key)}`),
    ...stale.map((key) => `-${short(key)}`),
  ]
  const annotations: Record<string, string | null> = {...wanted, ...Object.fromEntries(stale.map((key) => [key, null]))}
  return {patch: {spec: {template: {metadata: {annotations}}}}, detail}
}

function workloadStep(context: EngineContext, app: PlacedApp, state: AppState, ref: WorkloadRef, after: string[], options: ApplyOptions): Step {
  const {kube, spec} = context
  const name = formatRef(ref)
  const workload = state.workloads.get(name)
  const base = {id: `${app.name}/${name}`, target: `${name} in ${app.namespace} (annotations, rollout)`}
  if (!workload) return {...base, state: 'missing', detail: `not found in namespace ${app.namespace}: create it first, or remove it from the app's workloads`}
  const account = workload.spec?.template?.spec?.serviceAccountName ?? 'default'
  if (account !== app.serviceAccount) {
    return {...base, state: 'missing', detail: `its pods run as service account ${account}, but the role binds ${app.serviceAccount}: set serviceAccount: ${account} for the app, or change the workload`}
  }
  const current = (workload.spec?.template?.metadata?.annotations ?? {}) as Record<string, string>
  const {patch, detail} = workloadPatch(current, podAnnotations(spec, app), app.name)
  const changed = patchWouldChange(workload, patch)
  return {
    ...base,
    state: changed ? 'change' : 'unchanged',
    detail: changed ? detail.join(' ') : undefined,
    after: ['auth-config', ...after],
    run: async () => {
      const result = await applyWorkloadPatch(kube, ref, patch, {
        namespace: app.namespace,
        timeoutMs: options.timeoutMs,
        wait: options.wait,
        warn: options.warn,
        countNewPods: options.countNewPods,
        onProgress: (status) => options.onRollout?.(`${name} in ${app.namespace}`, status),
      })
      return result.rollout ? `rolled out (${result.rollout.ready}/${result.rollout.desired} pods ready)` : undefined
    },
  }
}
