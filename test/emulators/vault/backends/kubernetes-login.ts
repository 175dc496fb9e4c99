// POST auth/<mount>/login of the Kubernetes auth method (vault-plugin-auth-kubernetes
// path_login.go): role checks, JWT checks, a real TokenReview, then a Vault token.
import net from 'node:net'
import {parse as parseYaml} from 'yaml'
import type {Clock} from '../clock.js'
import type {HandlerRequest, Route} from '../framework.js'
import {SYSTEM_TTL, type MountEntry} from '../mounts.js'
import {errorResponse, goError, ok, PERMISSION_DENIED, type Reply} from '../reply.js'
import {newEntityId, sanitizePolicies, type TokenStore} from '../tokens.js'
import {JwtError, parsePemKey, validateServiceAccountJwt, type ServiceAccountClaims} from './jwt.js'
import type {KubernetesAuthStore, KubernetesConfig, KubernetesRole} from './kubernetes.js'
import {kubeRequest, reviewToken, type KubeTarget} from './token-review.js'

export interface LoginContext {
  clock: Clock
  tokens: TokenStore
  mount: () => MountEntry
  kube?: KubeTarget
}

export function loginRoute(store: KubernetesAuthStore, ctx: LoginContext): Route {
  return {pattern: 'login', fields: {role: 'string', jwt: 'string'}, operations: {update: (req) => login(store, ctx, req)}}
}

/** strutil.StrListContainsGlob with ryanuber/go-glob: `*` matches any run of characters. */
export function listContainsGlob(patterns: string[], value: string): boolean {
  return patterns.some((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`, 's').test(value))
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const denied = (reason: string): Reply => goError(PERMISSION_DENIED, 403, reason)

async function login(store: KubernetesAuthStore, ctx: LoginContext, req: HandlerRequest): Promise<Reply> {
  const roleName = req.fields.get<string>('role')
  if (roleName === '') return errorResponse('missing role')
  const jwt = req.fields.get<string>('jwt')
  if (jwt === '') return errorResponse('missing jwt')
  const role = store.roles.get(roleName.toLowerCase())
  if (role === undefined) return errorResponse(`invalid role name ${JSON.stringify(roleName)}`)
  if (role.token_bound_cidrs.length > 0 && !addressInCidrs(req.remoteAddress, role.token_bound_cidrs)) {
    return denied('client address not in token_bound_cidrs')
  }
  const config = store.config
  if (config === undefined) return goError('could not load backend configuration')

  let sa: ServiceAccountClaims
  try {
    sa = validateServiceAccountJwt({
      jwt,
      publicKeys: config.pem_keys.map(parsePemKey),
      issuer: !config.disable_iss_validation && config.issuer !== '' ? config.issuer : undefined,
      audience: role.audience.trim() === '' ? undefined : role.audience,
      nowMs: ctx.clock.nowMs(),
    })
  } catch (error) {
    if (!(error instanceof JwtError)) throw error
    return error.kind === 'signature' ? denied(error.message) : goError(error.message, 403)
  }
  const names = role.bound_service_account_names
  if ((names.length > 1 || names[0] !== '*') && !listContainsGlob(names, sa.name)) {
    return goError('service account name not authorized', 403)
  }
  const namespaceProblem = await namespaceNotAuthorized(role, config, ctx, jwt, sa.namespace)
  if (namespaceProblem !== undefined) return goError(namespaceProblem, 403)
  if (role.alias_name_source === 'serviceaccount_name' && (sa.namespace === '' || sa.name === '')) {
    return goError('service account namespace and name must be set')
  }
  if (role.alias_name_source !== 'serviceaccount_name' && sa.uid === '') return goError('could not parse UID from claims')

  try {
    const reviewed = await reviewToken({
      kubernetesHost: config.kubernetes_host,
      caPem: caFor(config, ctx),
      bearer: reviewerFor(config, ctx, jwt),
      jwt,
      audiences: role.audience !== '' ? [role.audience] : sa.audiences,
      kube: ctx.kube,
    })
    if (reviewed.name !== sa.name) return denied('JWT names did not match')
    if (reviewed.uid !== sa.uid) return denied('JWT UIDs did not match')
    if (reviewed.namespace !== sa.namespace) return denied('JWT namepaces did not match')
  } catch (error) {
    return denied((error as Error).message)
  }
  return issueToken(store, ctx, role, roleName, sa)
}

/** The local CA and pod token apply when Vault runs in the cluster and they are not disabled. */
function caFor(config: KubernetesConfig, ctx: LoginContext): string | undefined {
  if (config.kubernetes_ca_cert !== '') return config.kubernetes_ca_cert
  return config.disable_local_ca_jwt ? undefined : ctx.kube?.caPem
}

function reviewerFor(config: KubernetesConfig, ctx: LoginContext, loginJwt: string): string {
  if (config.token_reviewer_jwt !== '') return config.token_reviewer_jwt
  if (!config.disable_local_ca_jwt && ctx.kube?.serviceAccountToken) return ctx.kube.serviceAccountToken
  return loginJwt
}

async function namespaceNotAuthorized(
  role: KubernetesRole,
  config: KubernetesConfig,
  ctx: LoginContext,
  jwt: string,
  namespace: string,
): Promise<string | undefined> {
  const namespaces = role.bound_service_account_namespaces ?? []
  if (namespaces.length > 0 && (namespaces[0] === '*' || listContainsGlob(namespaces, namespace))) return undefined
  if (role.bound_service_account_namespace_selector === '') return 'namespace not authorized'
  try {
    const {status, text} = await kubeRequest({
      method: 'GET',
      kubernetesHost: config.kubernetes_host,
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}`,
      caPem: caFor(config, ctx),
      bearer: reviewerFor(config, ctx, jwt),
      kube: ctx.kube,
    })
    if (status !== 200) throw new Error(`the server responded with status ${status}`)
    const labels = (JSON.parse(text) as {metadata?: {labels?: Record<string, string>}}).metadata?.labels ?? {}
    return selectorMatches(role.bound_service_account_namespace_selector, labels) ? undefined : 'namespace not authorized'
  } catch (error) {
    return `namespace not authorized err=${(error as Error).message}`
  }
}

interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: {key: string; operator: string; values?: string[]}[]
}

function selectorMatches(text: string, labels: Record<string, string>): boolean {
  const selector = parseYaml(text) as LabelSelector
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === String(v))
  const byExpressions = (selector.matchExpressions ?? []).every(({key, operator, values = []}) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]!)
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]!)
      case 'Exists':
        return key in labels
      case 'DoesNotExist':
        return !(key in labels)
      default:
        return false
    }
  })
  return byLabels && byExpressions
}

function addressInCidrs(address: string, cidrs: string[]): boolean {
  const list = new net.BlockList()
  const plain = address.replace(/^::ffff:/, '')
  for (const cidr of cidrs) {
    const [ip, bits] = cidr.split('/') as [string, string | undefined]
    const type = net.isIPv4(ip) ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(ip, type)
    else list.addSubnet(ip, Number(bits), type)
  }
  return list.check(plain, net.isIPv4(plain) ? 'ipv4' : 'ipv6')
}

function issueToken(store: KubernetesAuthStore, ctx: LoginContext, role: KubernetesRole, roleName: string, sa: ServiceAccountClaims): Reply {
  const mount = ctx.mount()
  const maxTtl = Math.min(role.token_max_ttl || mount.config.max_lease_ttl || SYSTEM_TTL, SYSTEM_TTL)
  let ttl = Math.min(role.token_ttl || mount.config.default_lease_ttl || SYSTEM_TTL, maxTtl)
  if (role.token_explicit_max_ttl > 0) ttl = Math.min(ttl, role.token_explicit_max_ttl)
  const alias = role.alias_name_source === 'serviceaccount_name' ? `${sa.namespace}/${sa.name}` : sa.uid
  let entityId = store.entities.get(alias)
  if (entityId === undefined) {
    entityId = newEntityId()
    store.entities.set(alias, entityId)
  }
  const entry = ctx.tokens.issue({
    policies: sanitizePolicies(role.token_policies, !role.token_no_default_policy),
    path: `auth/${mount.path}login`,
    ttl,
    displayName: `${mount.path.replaceAll('/', '-')}${sa.namespace}-${sa.name}`,
    meta: {
      role: roleName,
      service_account_name: sa.name,
      service_account_namespace: sa.namespace,
      service_account_secret_name: sa.secretName,
      service_account_uid: sa.uid,
    },
    numUses: role.token_num_uses,
    orphan: true,
    explicitMaxTtl: role.token_explicit_max_ttl,
    renewable: true,
    entityId,
  })
  return {...ok(null), auth: ctx.tokens.authBlock(entry)}
}
