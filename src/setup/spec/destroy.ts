/**
 * `vsi destroy`: removes what the file declares and vsi created, judged by the marks in the objects themselves
 * (./ownership.ts). Secrets, the KV engine and the auth method stay unless purged; pre-existing objects always stay.
 */
import {applyWorkloadPatch} from '../../kube/apply.js'
import {formatRef} from '../../kube/workload.js'
import {deleteRole} from '../../vault/kubernetes-auth.js'
import {deleteKvSecret} from '../../vault/kv.js'
import {disableAuthMethod, disableSecretsEngine, mountKey} from '../../vault/mounts.js'
import {deletePolicy} from '../../vault/policy.js'
import type {Step} from '../steps.js'
import type {CurrentState, EngineContext} from './current.js'
import {isInjectorAnnotation, kvLocation, roleRef, type PlacedApp} from './desired.js'
import {APP_ANNOTATION, MOUNT_DESCRIPTION, ownsObject, ownsSecret, readPolicyMarks} from './ownership.js'
import type {AppPlan, SpecPlan} from './plan.js'

export interface DestroyOptions {
  purgeSecrets: boolean
  purgeEngines: boolean
  timeoutMs: number
  wait: boolean
  warn: (message: string) => void
}

const kept = (id: string, target: string, why: string): Step => ({id, target, state: 'unchanged', detail: `kept: ${why}`})

export function planDestroy(context: EngineContext, current: CurrentState, options: DestroyOptions): SpecPlan {
  const secretSteps = new Map<string, Step>()
  const apps = context.apps.map((app) => destroyApp(context, current, app, options, secretSteps))
  const appSteps = apps.flatMap((app) => app.steps.map((step) => step.id))
  return {shared: sharedSteps(context, current, options, appSteps), apps}
}

function destroyApp(context: EngineContext, current: CurrentState, app: PlacedApp, options: DestroyOptions, secretSteps: Map<string, Step>): AppPlan {
  const {vault, kube, spec} = context
  const state = current.apps.get(app.name)!
  const steps: Step[] = []

  const workloadIds: string[] = []
  const usedBy: string[] = []
  for (const ref of app.workloads) {
    const name = formatRef(ref)
    const id = `${app.name}/${name}`
    const target = `${name} in ${app.namespace} (injector annotations, rollout)`
    const workload = state.workloads.get(name)
    if (!workload) {
      steps.push(kept(id, target, 'not found'))
      continue
    }
    if ((workload.spec?.template?.spec?.serviceAccountName ?? 'default') === app.serviceAccount) usedBy.push(name)
    const annotations = (workload.spec?.template?.metadata?.annotations ?? {}) as Record<string, string>
    if (annotations[APP_ANNOTATION] !== app.name) {
      steps.push(kept(id, target, 'vsi did not annotate it'))
      continue
    }
    const removed = Object.keys(annotations).filter((key) => isInjectorAnnotation(key) || key === APP_ANNOTATION)
    const patch = {spec: {template: {metadata: {annotations: Object.fromEntries(removed.map((key) => [key, null]))}}}}
    workloadIds.push(id)
    steps.push({
      id,
      target,
      state: 'delete',
      detail: `${removed.length} annotations`,
      run: async () => {
        const result = await applyWorkloadPatch(kube, ref, patch, {namespace: app.namespace, timeoutMs: options.timeoutMs, wait: options.wait, warn: options.warn})
        return result.rollout ? `rolled out without the agent (${result.rollout.ready}/${result.rollout.desired} pods ready)` : undefined
      },
    })
  }

  const accountTarget = `service account ${app.namespace}/${app.serviceAccount}`
  const accountId = `${app.name}/service-account`
  if (!state.account) steps.push(kept(accountId, accountTarget, 'not found'))
  else if (!ownsObject(state.account.metadata, app.name)) steps.push(kept(accountId, accountTarget, 'vsi did not create it'))
  else if (usedBy.length > 0) steps.push(kept(accountId, accountTarget, `${usedBy.join(', ')} runs as it`))
  else steps.push({id: accountId, target: accountTarget, state: 'delete', after: workloadIds, run: () => kube.deleteServiceAccount(app.serviceAccount, app.namespace)})

  const marks = readPolicyMarks(state.policy)
  const roleTarget = `role ${app.name} (auth/${spec.authPath})`
  if (!state.role) steps.push(kept(`${app.name}/role`, roleTarget, 'not found'))
  else if (marks.createdRole !== roleRef(spec, app)) steps.push(kept(`${app.name}/role`, roleTarget, 'vsi did not create it'))
  else steps.push({id: `${app.name}/role`, target: roleTarget, state: 'delete', after: workloadIds, run: () => deleteRole(vault, spec.authPath, app.name)})

  const policyTarget = `policy ${app.name}`
  if (state.policy === undefined) steps.push(kept(`${app.name}/policy`, policyTarget, 'not found'))
  else if (!marks.managed) steps.push(kept(`${app.name}/policy`, policyTarget, 'vsi did not write it'))
  else steps.push({id: `${app.name}/policy`, target: policyTarget, state: 'delete', after: workloadIds, run: () => deletePolicy(vault, app.name)})

  for (const secret of app.secrets) {
    const id = `secret:${secret.path}`
    if (secretSteps.has(id)) continue
    const live = current.secrets.get(secret.path)
    const target = `secret ${secret.path}`
    let step: Step
    if (!live) step = kept(id, target, 'not found')
    else if (spec.kvVersion === 1) step = kept(id, target, 'a KV v1 secret carries no metadata, so vsi cannot tell that it wrote it')
    else if (!ownsSecret(live.customMetadata)) step = kept(id, target, 'vsi did not create it')
    else if (!options.purgeSecrets) step = kept(id, target, 'secrets stay unless --purge-secrets')
    else step = {id, target, state: 'delete', detail: 'every version', after: workloadIds, run: () => deleteKvSecret(vault, kvLocation(spec, secret.path))}
    secretSteps.set(id, step)
    steps.push(step)
  }
  return {name: app.name, namespace: app.namespace, steps}
}

function sharedSteps(context: EngineContext, current: CurrentState, options: DestroyOptions, appSteps: string[]): Step[] {
  const {vault, spec} = context
  const engine = current.mounts.get(mountKey(spec.kvPath))
  const auth = current.auths.get(mountKey(spec.authPath))
  const why = (entry: typeof engine) =>
    !entry ? 'not found' : entry.description !== MOUNT_DESCRIPTION ? 'vsi did not enable it' : 'engines and auth methods stay unless --purge-engines'
  const kvTarget = `secrets engine ${spec.kvPath}/ (kv v${spec.kvVersion}, with every secret in it)`
  const authTarget = `auth method ${spec.authPath}/ (kubernetes, with its config and every role)`
  const purge = (entry: typeof engine) => options.purgeEngines && entry?.description === MOUNT_DESCRIPTION
  return [
    purge(engine) ? {id: 'kv-mount', target: kvTarget, state: 'delete', after: appSteps, run: () => disableSecretsEngine(vault, spec.kvPath)} : kept('kv-mount', kvTarget, why(engine)),
    purge(auth) ? {id: 'auth-method', target: authTarget, state: 'delete', after: appSteps, run: () => disableAuthMethod(vault, spec.authPath)} : kept('auth-method', authTarget, why(auth)),
  ]
}
