import {VsiError} from '../errors.js'
import {kubernetesLogin, revokeSelf} from '../vault/kubernetes-auth.js'
import {kvV2Location} from '../vault/kv-path.js'
import {readKvSecret, sameSecret} from '../vault/kv.js'
import type {SetupContext} from './context.js'
import type {Step} from './steps.js'

/**
 * Proves the setup works end to end, as the injected Vault Agent will: a token for the app's service account
 * (TokenRequest), the Kubernetes auth login with it, and a read of the secret with the Vault token it gives. The
 * login token is revoked afterwards.
 */
export function loginAsAppStep(context: SetupContext, after: string[]): Step {
  const {vault, kube, inputs} = context
  const app = inputs.app!
  const secret = inputs.secret!
  return {
    id: 'verify',
    target: `login as ${inputs.namespace}/${app.name} and read ${secret.path}`,
    state: 'check',
    after,
    run: async () => {
      const {token: jwt} = await kube.requestServiceAccountToken(app.name, {
        namespace: inputs.namespace,
        ...(app.audience ? {audiences: [app.audience]} : {}),
        expirationSeconds: 600,
      })
      const login = await kubernetesLogin(vault, inputs.authPath, app.name, jwt).catch((error: unknown) => {
        throw loginHint(error)
      })
      const asApp = await vault.withToken(login.token)
      try {
        const read = await readKvSecret(asApp, kvV2Location(inputs.kvPath, secret.path))
        if (!read) throw new VsiError(`logged in as ${app.name}, but ${secret.path} reads as empty`, {code: 'verify-failed'})
        if (secret.data && !sameSecret(read.data, secret.data)) {
          throw new VsiError(`logged in as ${app.name}, but ${secret.path} does not hold the values just written`, {code: 'verify-failed'})
        }
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
    : 'Check the role\'s bound service account names and namespaces.'
  return new VsiError(error.message, {code: error.code, hint, cause: error})
}
