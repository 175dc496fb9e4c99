import {formatSeconds} from '../../duration.js'
import {ANNOTATION_PREFIX} from '../../annotations/catalog.js'
import type {RoleSpec} from '../../vault/kubernetes-auth.js'
import {mountKey} from '../../vault/mounts.js'
import {isUnavailable, linkChecks} from '../check.js'
import type {DoctorContext} from '../context.js'
import {roleBinds} from '../match.js'
import type {DoctorCheck} from '../types.js'
import type {DevMemoryLoss} from '../vault-memory.js'
import type {UnsealedVault} from '../vault-state.js'
import type {LoginOutcome} from './login.js'
import {projectedToken, UNKNOWN_ACCOUNT} from './service-account.js'

const on = linkChecks('vault')

function authMountCheck(ctx: DoctorContext, state: UnsealedVault): DoctorCheck {
  const {authMount, authMountSource} = ctx.spec
  if (isUnavailable(state.authMounts)) return on.skip('auth-mount', `cannot list auth methods: ${state.authMounts.unavailable}`)
  const entry = state.authMounts.get(mountKey(authMount))
  const kubernetesMounts = [...state.authMounts].filter(([, e]) => e.type === 'kubernetes').map(([path]) => `auth/${path}`)
  const source = {annotation: `${ANNOTATION_PREFIX}auth-path`, injector: "the injector's AGENT_INJECT_VAULT_AUTH_PATH", default: 'the default (no auth-path annotation)'}[authMountSource]
  if (!entry) {
    const elsewhere = state.roleElsewhere.length > 0 ? ` (role ${ctx.spec.role} is on auth/${state.roleElsewhere[0]})` : ''
    const hint =
      kubernetesMounts.length > 0
        ? `Kubernetes auth is enabled at ${kubernetesMounts.join(', ')}${elsewhere}: set ${ANNOTATION_PREFIX}auth-path: "${state.roleElsewhere[0] ? `auth/${state.roleElsewhere[0]}` : kubernetesMounts[0].replace(/\/$/, '')}".`
        : 'Enable it: vsi setup (or vault auth enable kubernetes, then configure it).'
    return on.fail('auth-mount', 'auth-mount', `no auth method is enabled at auth/${authMount}/ (from ${source})`, hint)
  }
  if (entry.type !== 'kubernetes') {
    return on.fail('auth-mount', 'auth-mount', `auth/${authMount}/ is a ${entry.type} auth method, not kubernetes`, `Point ${ANNOTATION_PREFIX}auth-path at a Kubernetes auth mount${kubernetesMounts.length > 0 ? ` (${kubernetesMounts.join(', ')})` : ''}.`)
  }
  return on.pass('auth-mount', `auth/${authMount}/ is a kubernetes auth method (from ${source})`)
}

function authConfigCheck(ctx: DoctorContext, state: UnsealedVault): DoctorCheck {
  const mount = ctx.spec.authMount
  if (isUnavailable(state.authConfig)) return on.skip('auth-config', `cannot read auth/${mount}/config: ${state.authConfig.unavailable}`)
  const config = state.authConfig
  const setup = `vsi setup --auth-path ${mount} (or vault write auth/${mount}/config kubernetes_host=…)`
  if (!config) return on.fail('auth-config', 'auth-config', `auth/${mount}/config was never written: Vault cannot review tokens`, `Configure it: ${setup}.`)
  if (!config.kubernetes_host) return on.fail('auth-config', 'auth-config', `auth/${mount}/config has no kubernetes_host`, `Set it: ${setup}.`)
  if (!config.kubernetes_ca_cert && config.disable_local_ca_jwt) {
    return on.fail('auth-config', 'auth-config', `auth/${mount}/config has no kubernetes_ca_cert and disable_local_ca_jwt is true: Vault cannot verify ${config.kubernetes_host}`, `Set kubernetes_ca_cert: ${setup}.`)
  }
  const ca = config.kubernetes_ca_cert ? 'CA set' : "no CA set (Vault uses its pod's CA: right only when Vault runs in this cluster)"
  return on.pass('auth-config', `kubernetes_host ${config.kubernetes_host}, ${ca}`)
}

/** Vault never returns the reviewer JWT, so its validity shows in the live login: a TokenReview failure is "permission denied". */
function reviewerCheck(ctx: DoctorContext, state: UnsealedVault, login: LoginOutcome): DoctorCheck {
  const mount = ctx.spec.authMount
  if (isUnavailable(state.authConfig) || !state.authConfig) return on.skip('reviewer-jwt', `auth/${mount}/config could not be read`)
  if (!state.authConfig.token_reviewer_jwt_set) {
    return on.pass('reviewer-jwt', 'no token_reviewer_jwt: Vault reviews tokens with its own service account token (or, outside the cluster, with the app\'s)')
  }
  if (login.diagnosis?.class === 'reviewer-jwt') return on.fail('reviewer-jwt', 'reviewer-jwt', login.diagnosis.reason, login.diagnosis.hint)
  if (login.loggedIn) return on.pass('reviewer-jwt', 'token_reviewer_jwt set and valid: the live login passed the TokenReview')
  return on.skip('reviewer-jwt', `token_reviewer_jwt is set; Vault never returns it, so only a live login can test it (${login.skipped ?? 'the login failed for another reason'})`)
}

function roleCheck(ctx: DoctorContext, state: UnsealedVault): DoctorCheck {
  const {role, authMount} = ctx.spec
  if (!role) {
    return on.fail('role', 'role-missing', `no ${ANNOTATION_PREFIX}role annotation: the agent does not know which role to log in with (the injector rejects the pod)`, `Add ${ANNOTATION_PREFIX}role: "<role>" to the pod template.`)
  }
  if (state.role === undefined) {
    const elsewhere = state.roleElsewhere.length > 0 ? ` It exists on auth/${state.roleElsewhere.join(', auth/')}: set ${ANNOTATION_PREFIX}auth-path: "auth/${state.roleElsewhere[0]}".` : ''
    return on.fail('role', 'role-missing', `role ${role} does not exist on auth/${authMount}`, `Create it (vsi setup --app … or vault write auth/${authMount}/role/${role} …), or fix ${ANNOTATION_PREFIX}role.${elsewhere}`)
  }
  if (isUnavailable(state.role)) return on.skip('role', `cannot read auth/${authMount}/role/${role}: ${state.role.unavailable}`)
  return on.pass('role', `role ${role}: policies ${state.role.policies.join(', ') || '(none)'}, ttl ${formatSeconds(state.role.ttlSeconds)}`)
}

function bindingCheck(ctx: DoctorContext, role: RoleSpec): DoctorCheck {
  const {serviceAccount, role: roleName, authMount} = ctx.spec
  if (!ctx.spec.serviceAccountKnown) return on.skip('role-binding', UNKNOWN_ACCOUNT)
  const namespace = ctx.subject.namespace
  const binds = roleBinds(role, serviceAccount, namespace)
  const list = (values: string[]) => (values.length === 0 ? '(none)' : values.join(', '))
  const fix = `vault write auth/${authMount}/role/${roleName} bound_service_account_names=… bound_service_account_namespaces=… (repeat the role's other fields), or vsi role create`
  if (!binds.name) {
    return on.fail('role-binding', 'role-binding', `role ${roleName} binds service accounts ${list(role.serviceAccounts)}, not ${serviceAccount} (the agent's login fails: service account name not authorized)`, `Add ${serviceAccount}: ${fix}; or run the pod as a bound service account.`)
  }
  if (!binds.namespace) {
    return on.fail('role-binding', 'role-binding', `role ${roleName} binds namespaces ${list(role.namespaces)}, not ${namespace} (the agent's login fails: namespace not authorized)`, `Add ${namespace}: ${fix}.`)
  }
  return on.pass('role-binding', `role ${roleName} binds ${namespace}/${serviceAccount} (service accounts ${list(role.serviceAccounts)}; namespaces ${list(role.namespaces)})`)
}

function audienceCheck(ctx: DoctorContext, role: RoleSpec, login: LoginOutcome): DoctorCheck {
  const volumeKey = `${ANNOTATION_PREFIX}agent-service-account-token-volume-name`
  if (!role.audience) return on.pass('role-audience', 'the role requires no audience')
  const projected = ctx.spec.tokenVolumeName ? projectedToken(ctx) : undefined
  if (projected) {
    if (projected.audience === role.audience) return on.pass('role-audience', `the projected token has the role's audience ${role.audience}`)
    return on.fail('role-audience', 'audience', `role ${ctx.spec.role} requires audience ${role.audience}; the projected token ${ctx.spec.tokenVolumeName} has ${projected.audience ?? "the API server's"}`, `Set audience: ${role.audience} on the serviceAccountToken projection, or change the role's audience.`)
  }
  if (!login.tokenAudiences) return on.skip('role-audience', `role requires audience ${role.audience}; the default token's audience could not be learned (${login.skipped ?? 'no token'})`)
  if (login.tokenAudiences.includes(role.audience)) return on.pass('role-audience', `the pod's default token has the role's audience ${role.audience}`)
  return on.fail(
    'role-audience',
    'audience',
    `role ${ctx.spec.role} requires audience ${role.audience}; the pod's default token has ${login.tokenAudiences.join(', ')}`,
    `Mount a projected token with audience ${role.audience} and name its volume in ${volumeKey}, or clear the role's audience.`,
  )
}

function memoryCheck(address: string, loss: DevMemoryLoss): DoctorCheck {
  const age = loss.ageSeconds === undefined ? '' : `started ${formatSeconds(loss.ageSeconds)} ago, `
  return on.fail(
    'vault-memory',
    'vault-dev-memory-lost',
    `Vault at ${address} runs in dev mode (in-memory storage) and holds only what a dev server starts with (no auth method, no engine but secret/, no policy but default); pod ${loss.pod} ${age}${loss.restarts} restart${loss.restarts === 1 ? '' : 's'}: deleting or restarting a dev-mode Vault pod loses its engines, auth methods, policies, roles and secrets`,
    'Configure it again: vsi setup … or vsi apply -f vsi.yaml (a dev-mode Vault forgets everything on restart; for state that survives, install Vault without server.dev.enabled and with storage).',
  )
}

/** Link 4: Vault is up, the auth mount and its config are right, the role exists and admits this pod. */
export function vaultChecks(ctx: DoctorContext, login: LoginOutcome): DoctorCheck[] {
  if (isUnavailable(ctx.vault)) return [on.skip('vault', ctx.vault.unavailable)]
  if (isUnavailable(ctx.vaultState)) return [on.skip('vault', ctx.vaultState.unavailable)]
  const state = ctx.vaultState
  if (!state.reachable) return [on.fail('vault-status', 'vault-unreachable', state.error, state.hint ?? 'Check VAULT_ADDR.')]
  const address = ctx.vault.addr
  if (state.sealed) return [on.fail('vault-status', 'vault-sealed', `Vault at ${address} is sealed: no login or read can succeed`, 'Unseal it: vault operator unseal.')]
  const checks = [on.pass('vault-status', `Vault${state.version ? ` ${state.version}` : ''} at ${address} is unsealed`)]
  if (ctx.vaultMemory) checks.push(memoryCheck(address, ctx.vaultMemory))
  const mountCheck = authMountCheck(ctx, state)
  checks.push(mountCheck)
  if (mountCheck.status !== 'pass') return [...checks, on.skip('role', `auth/${ctx.spec.authMount}/ is not a kubernetes auth method`)]
  checks.push(authConfigCheck(ctx, state), reviewerCheck(ctx, state, login))
  const role = roleCheck(ctx, state)
  checks.push(role)
  if (role.status === 'pass' && !isUnavailable(state.role) && state.role) checks.push(bindingCheck(ctx, state.role), audienceCheck(ctx, state.role, login))
  return checks
}
