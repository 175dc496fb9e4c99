import type {UserInfo} from './auth.js'
import type {ObjectStore} from './store.js'
import type {KubeObject} from './types.js'

/** What the authorizer is asked: a resource request or a non-resource path, as in authorizer.Attributes. */
export interface RequestAttributes {
  verb: string
  group?: string
  resource?: string
  subresource?: string
  namespace?: string
  name?: string
  path?: string
}

/** A test-imposed denial. `resource` may name a subresource (`pods/exec`); `*` matches any verb or resource. */
export interface DenyRule {
  verb: string
  resource: string
  namespace?: string
  token?: string
}

interface PolicyRule {
  verbs: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

/**
 * RBAC as the API server evaluates it (ClusterRoleBindings, RoleBindings, their roles' rules), plus deny rules that
 * tests add. Returns the Forbidden reason, or undefined when allowed.
 */
export class Authorizer {
  private readonly denials: Array<DenyRule & {tokenUser?: string}> = []
  /**
   * The rules each user has in each namespace, derived from the store's RBAC objects. The real authorizer reads them
   * from informer caches (plugin/pkg/auth/authorizer/rbac/rbac.go New takes role and binding listers,
   * pkg/kubeapiserver/authorizer/config.go); here the derived rules are dropped on any write to a Role, ClusterRole,
   * RoleBinding or ClusterRoleBinding, synchronously, so a change takes effect on the next request.
   */
  private readonly cache = new Map<string, PolicyRule[]>()

  constructor(private readonly store: ObjectStore) {
    store.subscribe((event) => {
      if (event.resource.group === RBAC_GROUP) this.cache.clear()
    })
  }

  deny(rule: DenyRule): void {
    this.denials.push(rule)
  }

  authorize(user: UserInfo, token: string | undefined, attrs: RequestAttributes): string | undefined {
    if (this.denied(token, attrs) || !this.allowed(user, attrs)) return reason(user, attrs)
    return undefined
  }

  private denied(token: string | undefined, attrs: RequestAttributes): boolean {
    const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource
    return this.denials.some(
      (d) =>
        (d.verb === '*' || d.verb === attrs.verb) &&
        (d.resource === '*' || d.resource === resource) &&
        (d.namespace === undefined || d.namespace === attrs.namespace) &&
        (d.token === undefined || d.token === token),
    )
  }

  private allowed(user: UserInfo, attrs: RequestAttributes): boolean {
    return this.rulesFor(user, attrs.namespace).some((rule) => ruleAllows(rule, attrs))
  }

  /**
   * The reason the authorizer union gives for an allowed request (pkg/kubeapiserver/authorizer/config.go): the
   * privileged-group authorizer allows system:masters without one; RBAC (plugin/pkg/auth/authorizer/rbac/rbac.go
   * authorizingVisitor) names the first binding whose rules allow it, as clusterRoleBindingDescriber /
   * roleBindingDescriber print it. Undefined when RBAC does not allow the request.
   */
  allowReason(user: UserInfo, attrs: RequestAttributes): string | undefined {
    if (user.groups.includes('system:masters')) return ''
    const roleRules = (ref: {kind: string; name: string}, ns?: string): PolicyRule[] =>
      (this.store.get(ref.kind === 'Role' ? 'roles' : 'clusterroles', ns, ref.name)?.rules as PolicyRule[] | undefined) ?? []
    const bindings = [
      ...this.store.list('clusterrolebindings').map((b) => ({b, ns: undefined as string | undefined})),
      ...(attrs.namespace ? this.store.list('rolebindings', attrs.namespace).map((b) => ({b, ns: attrs.namespace})) : []),
    ]
    for (const {b, ns} of bindings) {
      const subject = subjectFor(b, user)
      if (!subject || !roleRules(b.roleRef, ns).some((rule) => ruleAllows(rule, attrs))) continue
      const who = subject.kind === 'ServiceAccount' ? `${subject.name}/${subject.namespace || (b.metadata.namespace ?? '')}` : subject.name
      const binding = ns ? `RoleBinding ${JSON.stringify(`${b.metadata.name}/${ns}`)}` : `ClusterRoleBinding ${JSON.stringify(b.metadata.name)}`
      return `RBAC: allowed by ${binding} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${subject.kind} ${JSON.stringify(who)}`
    }
    return undefined
  }

  /**
   * RuleResolver.RulesFor of the kube-apiserver's authorizer union (pkg/kubeapiserver/authorizer/config.go): the
   * privileged-group authorizer's `*` rules for system:masters, then RBAC's (rbac.go RulesFor: cluster role bindings,
   * then the namespace's role bindings; a rule lands in both lists when it has resources and URLs).
   */
  rulesReview(user: UserInfo, namespace: string): {resourceRules: PolicyRule[]; nonResourceRules: PolicyRule[]} {
    const resourceRules: PolicyRule[] = []
    const nonResourceRules: PolicyRule[] = []
    if (user.groups.includes('system:masters')) {
      resourceRules.push({verbs: ['*'], apiGroups: ['*'], resources: ['*']})
      nonResourceRules.push({verbs: ['*'], nonResourceURLs: ['*']})
    }
    for (const rule of this.rulesFor(user, namespace)) {
      if (rule.resources?.length) {
        resourceRules.push({verbs: rule.verbs, ...(rule.apiGroups?.length ? {apiGroups: rule.apiGroups} : {}), resources: rule.resources, ...(rule.resourceNames?.length ? {resourceNames: rule.resourceNames} : {})})
      }
      if (rule.nonResourceURLs?.length) nonResourceRules.push({verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs})
    }
    return {resourceRules, nonResourceRules}
  }

  private rulesFor(user: UserInfo, namespace: string | undefined): PolicyRule[] {
    const key = JSON.stringify([user.username, user.groups, namespace ?? null])
    let rules = this.cache.get(key)
    if (!rules) {
      rules = this.resolveRules(user, namespace)
      this.cache.set(key, rules)
    }
    return rules
  }

  /** rbac.go RulesFor / VisitRulesFor (pkg/registry/rbac/validation/rule.go): bindings in store order, each role's rules. */
  private resolveRules(user: UserInfo, namespace: string | undefined): PolicyRule[] {
    const rules: PolicyRule[] = []
    const roleRules = (ref: {kind: string; name: string}, ns?: string): PolicyRule[] =>
      (this.store.get(ref.kind === 'Role' ? 'roles' : 'clusterroles', ns, ref.name)?.rules as PolicyRule[] | undefined) ?? []
    for (const crb of this.store.list('clusterrolebindings')) {
      if (bindsUser(crb, user)) rules.push(...roleRules(crb.roleRef))
    }
    if (namespace) {
      for (const rb of this.store.list('rolebindings', namespace)) {
        if (bindsUser(rb, user)) rules.push(...roleRules(rb.roleRef, namespace))
      }
    }
    return rules
  }
}

const RBAC_GROUP = 'rbac.authorization.k8s.io'

/** The binding's first subject that applies to the user (pkg/registry/rbac/validation/rule.go appliesTo). */
function subjectFor(binding: KubeObject, user: UserInfo): {kind: string; name: string; namespace?: string} | undefined {
  const subjects = (binding.subjects ?? []) as Array<{kind: string; name: string; namespace?: string}>
  return subjects.find((s) => bindsUser({...binding, subjects: [s]}, user))
}

function bindsUser(binding: KubeObject, user: UserInfo): boolean {
  const subjects = (binding.subjects ?? []) as Array<{kind: string; name: string; namespace?: string}>
  return subjects.some((s) => {
    if (s.kind === 'User') return s.name === user.username
    if (s.kind === 'Group') return user.groups.includes(s.name)
    return s.kind === 'ServiceAccount' && user.username === `system:serviceaccount:${s.namespace ?? binding.metadata.namespace}:${s.name}`
  })
}

const has = (list: string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value)

function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!has(rule.verbs, attrs.verb)) return false
  if (attrs.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === attrs.path || (u.endsWith('*') && attrs.path!.startsWith(u.slice(0, -1))))
  }
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource!
  return (
    has(rule.apiGroups, attrs.group ?? '') &&
    (has(rule.resources, resource) || (rule.resources ?? []).includes(`${attrs.resource}/*`)) &&
    (!rule.resourceNames?.length || (attrs.name !== undefined && rule.resourceNames.includes(attrs.name)))
  )
}

/** The reason text of RBAC's Forbidden error (plugin/pkg/auth/authorizer/rbac + request info). */
function reason(user: UserInfo, attrs: RequestAttributes): string {
  if (attrs.path !== undefined) return `User "${user.username}" cannot ${attrs.verb} path "${attrs.path}"`
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope'
  return `User "${user.username}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group ?? ''}" ${scope}`
}

/** The bootstrap ClusterRoles and ClusterRoleBindings a fresh cluster has that matter to authorization here. */
export function bootstrapPolicy(): KubeObject[] {
  const meta = (name: string) => ({
    name,
    labels: {'kubernetes.io/bootstrapping': 'rbac-defaults'},
    annotations: {'rbac.authorization.kubernetes.io/autoupdate': 'true'},
  })
  const role = (name: string, rules: PolicyRule[]): KubeObject => ({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(name), rules})
  const binding = (name: string, groups: string[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: meta(name),
    roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name},
    subjects: groups.map((g) => ({apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g})),
  })
  const publicInfo = ['/healthz', '/livez', '/readyz', '/version', '/version/']
  return [
    role('cluster-admin', [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}, {nonResourceURLs: ['*'], verbs: ['*']}]),
    role('system:discovery', [{nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', ...publicInfo], verbs: ['get']}]),
    role('system:public-info-viewer', [{nonResourceURLs: publicInfo, verbs: ['get']}]),
    role('system:basic-user', [
      {apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create']},
      {apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create']},
    ]),
    role('system:auth-delegator', [
      {apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create']},
      {apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create']},
    ]),
    role('system:service-account-issuer-discovery', [
      {nonResourceURLs: ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'], verbs: ['get']},
    ]),
    binding('cluster-admin', ['system:masters']),
    binding('system:discovery', ['system:authenticated']),
    binding('system:public-info-viewer', ['system:authenticated', 'system:unauthenticated']),
    binding('system:basic-user', ['system:authenticated']),
    binding('system:service-account-issuer-discovery', ['system:serviceaccounts']),
  ]
}
