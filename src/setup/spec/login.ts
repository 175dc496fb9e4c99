import {VsiError} from '../../errors.js'
import {kubernetesLogin, revokeSelf} from '../../vault/kubernetes-auth.js'
import {kvV2Location} from '../../vault/kv-path.js'
import {readKvSecret} from '../../vault/kv.js'
import type {Step} from '../steps.js'
import type {EngineContext} from './current.js'
import type {ResolvedData} from './data.js'
import type {PlacedApp} from './desired.js'

/**
 * Proves an app end to end as its injected agent will: a token for its service account (TokenRequest), the
 * Kubernetes auth login with it, and a read of each of its secrets with the Vault token that gives (keys checked,
 * values never shown). The login token is revoked afterwards.
 */
export function appLoginStep(context: EngineContext, app: PlacedApp, data: ResolvedData, after: string[]): Step {
  const {vault, kube, spec} = context
  return {
    id: `${app.name}/login`,
    target: `login as ${app.namespace}/${app.serviceAccount} and read ${app.secrets.length} secret${app.secrets.length === 1 ? '' : 's'}`,
    state: 'check',
    after,
    run: async () => {
      const {token: jwt} = await kube.requestServiceAccountToken(app.serviceAccount, {namespace: app.namespace, expirationSeconds: 600})
      const login = await kubernetesLogin(vault, spec.authPath, app.name, jwt)
      const asApp = await vault.withToken(login.token)
      try {
        const problems = await Promise.all(
          app.secrets.map(async (secret) => {
            const read = await readKvSecret(asApp, kvV2Location(spec.kvPath, secret.path))
            if (!read) return `${secret.path} reads as empty`
            const wanted = data.get(secret)
            const missing = [...new Set([...secret.keys, ...Object.keys(wanted ?? {})])].filter((key) => !Object.hasOwn(read.data, key))
            return missing.length > 0 ? `${secret.path} has no key ${missing.join(', ')}` : undefined
          }),
        )
        const found = problems.filter((problem) => problem !== undefined)
        if (found.length > 0) throw new VsiError(`logged in as ${app.name}, but ${found.join('; ')}`, {code: 'verify-failed'})
        return `token policies: ${login.policies.join(', ')}`
      } finally {
        await revokeSelf(asApp).catch(() => undefined)
      }
    },
  }
}
