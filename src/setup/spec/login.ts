import {VsiError} from '../../errors.js'
import {kubernetesLogin, revokeSelf} from '../../vault/kubernetes-auth.js'
import {readKvSecret, sameSecret} from '../../vault/kv.js'
import type {Step} from '../steps.js'
import type {EngineContext} from './current.js'
import type {ResolvedData} from './data.js'
import {kvLocation, type PlacedApp} from './desired.js'

/**
 * Proves an app end to end as its injected agent will: a token for its service account (TokenRequest), the
 * Kubernetes auth login with it, and a read of each of its secrets with the Vault token that gives (the values just
 * written, or the keys the file lists; values never shown). The login token is revoked afterwards.
 */
export function appLoginStep(context: EngineContext, app: PlacedApp, data: ResolvedData, after: string[]): Step {
  const {vault, kube, spec} = context
  const reads = app.secrets.length === 1 ? app.secrets[0].path : `${app.secrets.length} secrets`
  return {
    id: `${app.name}/login`,
    target: `login as ${app.namespace}/${app.serviceAccount} and read ${reads}`,
    state: 'check',
    after,
    run: async () => {
      const {token: jwt} = await kube.requestServiceAccountToken(app.serviceAccount, {
        namespace: app.namespace,
        ...(app.audience ? {audiences: [app.audience]} : {}),
        expirationSeconds: 600,
      })
      const login = await kubernetesLogin(vault, spec.authPath, app.name, jwt).catch((error: unknown) => {
        throw loginHint(error)
      })
      const asApp = await vault.withToken(login.token)
      try {
        const problems = await Promise.all(
          app.secrets.map(async (secret) => {
            const read = await readKvSecret(asApp, kvLocation(spec, secret.path))
            if (!read) return `${secret.path} reads as empty`
            const wanted = data.get(secret)
            if (wanted && !sameSecret(read.data, wanted)) return `${secret.path} does not hold the values just written`
            const missing = secret.keys.filter((key) => !Object.hasOwn(read.data, key))
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

/** Vault's login errors say little; name the usual causes. */
function loginHint(error: unknown): unknown {
  if (!(error instanceof VsiError) || error.code !== 'vault-login-denied') return error
  const hint = /permission denied/i.test(error.message)
    ? "Vault could not confirm the service account token with the cluster's TokenReview API: check kubernetes_host and the CA in the auth config, and that the token reviewer has system:auth-delegator."
    : "Check the role's bound service account names and namespaces."
  return new VsiError(error.message, {code: error.code, hint, cause: error})
}
