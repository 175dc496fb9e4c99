import type {Diagnosis} from '../../agent/causes.js'
import {diagnose} from '../../agent/causes.js'
import {VsiError} from '../../errors.js'
import {kubernetesLogin, revokeSelf} from '../../vault/kubernetes-auth.js'
import {isUnavailable, linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'
import {forbiddenReason} from '../injector-facts.js'
import type {DoctorCheck} from '../types.js'
import {projectedToken, UNKNOWN_ACCOUNT} from './service-account.js'

const on = linkChecks('login')

/** What the live login showed; other links (reviewer JWT, audience) are judged from it too. */
export interface LoginOutcome {
  checks: DoctorCheck[]
  loggedIn: boolean
  /** The `aud` of the token the agent would present. */
  tokenAudiences?: string[]
  /** The cause, when Vault refused the login with a message vsi knows. */
  diagnosis?: Diagnosis
  /** Why no login was tried. */
  skipped?: string
}

/** The claims of a JWT, unverified: only to learn the audience the API server gave the token. */
function audiencesOf(jwt: string): string[] | undefined {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {aud?: string | string[]}
    return claims.aud === undefined ? undefined : Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  } catch {
    return undefined
  }
}

function skipped(why: string): LoginOutcome {
  return {checks: [on.skip('login', why)], loggedIn: false, skipped: why}
}

/** The paths the agent reads, as it reads them (KV v2 paths with data/). */
function readPaths(ctx: DoctorContext): string[] {
  return [...new Set(ctx.lookups.map((lookup) => lookup.apiPath))]
}

/**
 * Link 7: logs in as the app would (a TokenRequest token for its service account, with the audience its agent would
 * present, then the Kubernetes auth login with its role) and asks Vault what that token may do on each path. The
 * login token is revoked at the end.
 */
export async function loginChecks(ctx: DoctorContext, serviceAccountExists: boolean | undefined): Promise<LoginOutcome> {
  const {spec} = ctx
  const namespace = ctx.subject.namespace
  if (isUnavailable(ctx.kube)) return skipped(ctx.kube.unavailable)
  if (isUnavailable(ctx.vault)) return skipped(ctx.vault.unavailable)
  if (isUnavailable(ctx.vaultState) || !ctx.vaultState.reachable || ctx.vaultState.sealed) return skipped('Vault is not reachable and unsealed')
  if (!spec.role) return skipped('no role annotation to log in with')
  if (!spec.serviceAccountKnown) return skipped(UNKNOWN_ACCOUNT)
  if (serviceAccountExists === false) return skipped(`service account ${namespace}/${spec.serviceAccount} does not exist`)

  const audience = spec.tokenVolumeName ? projectedToken(ctx)?.audience : undefined
  let jwt: string
  try {
    jwt = (await ctx.kube.requestServiceAccountToken(spec.serviceAccount, {namespace, expirationSeconds: 600, ...(audience ? {audiences: [audience]} : {})})).token
  } catch (error) {
    const reason = forbiddenReason(error)
    if (reason) return skipped(`cannot get a token for ${namespace}/${spec.serviceAccount}: ${reason}`)
    throw error
  }
  const tokenAudiences = audiencesOf(jwt)
  const who = `${namespace}/${spec.serviceAccount}`

  let login: {token: string; policies: string[]}
  try {
    login = await kubernetesLogin(ctx.vault, spec.authMount, spec.role, jwt)
  } catch (error) {
    if (!(error instanceof VsiError)) throw error
    const diagnosis = diagnose(error.message, {role: spec.role, authMount: spec.authMount, serviceAccount: spec.serviceAccount, namespace})
    const check = on.fail(
      'login',
      diagnosis?.class ?? 'login-failed',
      `login as ${who} with role ${spec.role} at auth/${spec.authMount} failed: ${error.message}${diagnosis ? ` (${diagnosis.reason})` : ''}`,
      diagnosis?.hint ?? error.hint ?? 'See the checks above for the broken link.',
    )
    return {checks: [check], loggedIn: false, tokenAudiences, diagnosis}
  }

  const checks = [on.pass('login', `logged in as ${who} with role ${spec.role}: token policies ${login.policies.join(', ')}`)]
  const asApp = await ctx.vault.withToken(login.token)
  try {
    const paths = readPaths(ctx)
    const capabilities = paths.length > 0 ? await asApp.capabilities(paths) : {}
    for (const path of paths) {
      const granted = capabilities[path] ?? []
      if (granted.includes('read') || granted.includes('root')) checks.push(on.pass('login-capabilities', `the app's token may read ${path} (${granted.join(', ')})`, path))
      else {
        checks.push(
          on.fail(
            'login-capabilities',
            'policy-denied',
            `the app's token lacks read on ${path} (its capabilities there: ${granted.join(', ') || 'none'})`,
            `Grant it in one of the role's policies (${login.policies.join(', ')}): path "${path}" { capabilities = ["read"] }`,
            path,
          ),
        )
      }
    }
  } finally {
    // Best effort: the token expires with the role's TTL anyway.
    await revokeSelf(asApp).catch(() => undefined)
  }
  return {checks, loggedIn: true, tokenAudiences}
}
