/**
 * `vsi setup` as a front of the vsi.yaml engine: its flags make an in-memory spec of one app (or of secrets alone),
 * which ./spec/plan.ts plans and ./steps.ts applies exactly as for `vsi apply`. This file only builds that spec and
 * names the steps as setup always has (`policy`, `role`, `verify`, …).
 */
import {formatSeconds} from '../duration.js'
import type {ResolvedData} from './spec/data.js'
import type {PlacedApp} from './spec/desired.js'
import type {SecretSpec, Spec, SpecNames} from './spec/file.js'
import type {SpecPlan} from './spec/plan.js'
import type {Action, Step} from './steps.js'

/** Everything setup's flags ask for, checked, before contacting anything. */
export interface SetupRequest {
  kvPath: string
  authPath: string
  /** Undefined data: the secret must exist (or, on a terminal, its values are asked for). */
  secrets: Array<{path: string; data?: Record<string, string>}>
  app?: {name: string; ttlSeconds: number; audience?: string}
  kubernetesHost?: string
}

const SETUP_NAMES: SpecNames = {source: 'vsi setup', kvPath: '--kv-path', authPath: '--auth-path', giveData: 'add key=value arguments after its --secret'}

export interface SetupSpec {
  spec: Spec
  apps: PlacedApp[]
  /** request.secrets, in order, as the spec has them. */
  secrets: SecretSpec[]
  /** The values to write; setup adds the ones it asks for. */
  data: ResolvedData
}

/** The app is named after its service account and lives in the context's namespace, as in the tutorial. */
export function setupSpec(request: SetupRequest, namespace: string): SetupSpec {
  const data: ResolvedData = new Map()
  const secrets = request.secrets.map((secret, index): SecretSpec => {
    const spec: SecretSpec = {file: secret.path.slice(secret.path.lastIndexOf('/') + 1), path: secret.path, format: 'map', keys: [], at: ['secret', index]}
    if (secret.data) data.set(spec, secret.data)
    return spec
  })
  const {app: wanted} = request
  const apps: PlacedApp[] = wanted
    ? [
        {
          name: wanted.name,
          namespace,
          serviceAccount: wanted.name,
          ttlSeconds: wanted.ttlSeconds,
          audience: wanted.audience,
          workloads: [],
          policies: [],
          secrets,
          injector: {prePopulateOnly: false, initFirst: false, annotations: {}},
          at: [],
        },
      ]
    : []
  const spec: Spec = {
    file: 'vsi setup',
    kvPath: request.kvPath,
    kvVersion: 2,
    authPath: request.authPath,
    apps,
    secrets: wanted ? [] : secrets,
    names: SETUP_NAMES,
    problemAt: () => {
      // Only data sources of a file are checked against it; setup's values come from its arguments.
      throw new Error('vsi setup has no file to point into')
    },
  }
  return {spec, apps, secrets, data}
}

/** In setup's order: the KV engine, the secrets, the auth method and its configuration, then the app. */
export function setupSteps(plan: SpecPlan): Step[] {
  const all = [...plan.shared, ...plan.apps.flatMap((app) => app.steps)]
  const isSecret = (step: Step) => step.id.startsWith('secret:')
  const [engine, ...rest] = all.filter((step) => !isSecret(step))
  return [engine, ...all.filter(isSecret), ...rest]
}

/** An engine action under setup's step ids and targets (`policy`, `role … (auth/kubernetes, ttl 24h)`, `verify`). */
export function setupAction(action: Action, request: SetupRequest): Action {
  const {app} = request
  if (action.step.startsWith('secret:')) return request.secrets.length === 1 ? {...action, step: 'secret'} : action
  if (!app || !action.step.startsWith(`${app.name}/`)) return action
  const part = action.step.slice(app.name.length + 1)
  if (part === 'role') return {...action, step: 'role', target: `role ${app.name} (auth/${request.authPath}, ttl ${formatSeconds(app.ttlSeconds)})`}
  if (part === 'login') return {...action, step: 'verify'}
  return {...action, step: part}
}
