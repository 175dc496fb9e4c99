/** The resource types the emulated API server serves, with what discovery reports for each. */
export interface ResourceType {
  group: string
  version: string
  resource: string
  singular: string
  kind: string
  namespaced: boolean
  verbs: string[]
  shortNames?: string[]
  categories?: string[]
  subresources?: Array<{name: string; kind: string; verbs: string[]; group?: string; version?: string}>
}

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const CREATE_ONLY = ['create']

const status = (kind: string) => ({name: 'status', kind, verbs: ['get', 'patch', 'update']})
const scale = {name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update']}

export const RESOURCE_TYPES: ResourceType[] = [
  {group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'], subresources: [status('Namespace')]},
  {group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, verbs: CRUD, shortNames: ['no'], subresources: [status('Node')]},
  {group: '', version: 'v1', resource: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, verbs: CRUD, shortNames: ['sa'], subresources: [{name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create']}]},
  {group: '', version: 'v1', resource: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, verbs: CRUD},
  {group: '', version: 'v1', resource: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', namespaced: true, verbs: CRUD, shortNames: ['pvc'], subresources: [status('PersistentVolumeClaim')]},
  {group: '', version: 'v1', resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, verbs: CRUD, shortNames: ['cm']},
  {
    group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, verbs: CRUD, shortNames: ['po'], categories: ['all'],
    subresources: [
      {name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get']},
      {name: 'log', kind: 'Pod', verbs: ['get']},
      {name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get']},
      status('Pod'),
    ],
  },
  {group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, verbs: CRUD, shortNames: ['ev']},
  {group: '', version: 'v1', resource: 'services', singular: 'service', kind: 'Service', namespaced: true, verbs: CRUD, shortNames: ['svc'], categories: ['all'], subresources: [status('Service')]},
  {group: '', version: 'v1', resource: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true, verbs: CRUD, shortNames: ['ep']},
  {group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, verbs: CRUD, shortNames: ['deploy'], categories: ['all'], subresources: [scale, status('Deployment')]},
  {group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, verbs: CRUD, shortNames: ['rs'], categories: ['all'], subresources: [scale, status('ReplicaSet')]},
  {group: 'apps', version: 'v1', resource: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, verbs: CRUD, shortNames: ['sts'], categories: ['all'], subresources: [scale, status('StatefulSet')]},
  {group: 'apps', version: 'v1', resource: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, verbs: CRUD, shortNames: ['ds'], categories: ['all'], subresources: [status('DaemonSet')]},
  {group: 'apps', version: 'v1', resource: 'controllerrevisions', singular: 'controllerrevision', kind: 'ControllerRevision', namespaced: true, verbs: CRUD},
  // pkg/registry/batch/{job,cronjob}/storage/storage.go: categories "all", cronjobs' short name "cj"
  {group: 'batch', version: 'v1', resource: 'cronjobs', singular: 'cronjob', kind: 'CronJob', namespaced: true, verbs: CRUD, shortNames: ['cj'], categories: ['all'], subresources: [status('CronJob')]},
  {group: 'batch', version: 'v1', resource: 'jobs', singular: 'job', kind: 'Job', namespaced: true, verbs: CRUD, categories: ['all'], subresources: [status('Job')]},
  {group: 'events.k8s.io', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, verbs: CRUD, shortNames: ['ev']},
  {group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews', singular: 'tokenreview', kind: 'TokenReview', namespaced: false, verbs: CREATE_ONLY},
  {group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', singular: 'selfsubjectreview', kind: 'SelfSubjectReview', namespaced: false, verbs: CREATE_ONLY},
  {group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: CREATE_ONLY},
  {group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: CREATE_ONLY},
  {group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews', singular: 'subjectaccessreview', kind: 'SubjectAccessReview', namespaced: false, verbs: CREATE_ONLY},
  {group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', singular: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false, verbs: CRUD},
  {group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', singular: 'clusterrole', kind: 'ClusterRole', namespaced: false, verbs: CRUD},
  {group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', namespaced: true, verbs: CRUD},
  {group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', singular: 'role', kind: 'Role', namespaced: true, verbs: CRUD},
  {group: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', singular: 'mutatingwebhookconfiguration', kind: 'MutatingWebhookConfiguration', namespaced: false, verbs: CRUD},
  {group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations', singular: 'validatingwebhookconfiguration', kind: 'ValidatingWebhookConfiguration', namespaced: false, verbs: CRUD},
  {group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', namespaced: true, verbs: CRUD},
]

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version
}

export function findByPath(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource)
}

/**
 * Resolves what tests pass to the store: a Kind (`Deployment`), `apps/v1/Deployment`, a plural (`deployments`),
 * or `deployments.apps`. Core kinds win over same-named kinds in other groups (Event).
 */
export function resolveType(ref: string): ResourceType {
  const slash = ref.lastIndexOf('/')
  const apiVersion = slash >= 0 ? ref.slice(0, slash) : undefined
  const name = slash >= 0 ? ref.slice(slash + 1) : ref
  const [plural, ...groupParts] = name.split('.')
  const dottedGroup = groupParts.join('.')
  const found = RESOURCE_TYPES.find((t) => {
    if (apiVersion !== undefined && apiVersionOf(t) !== apiVersion) return false
    if (t.kind === name) return true
    return t.resource === plural && (dottedGroup ? t.group === dottedGroup : true)
  })
  if (!found) throw new Error(`kube emulator: unknown resource type "${ref}"`)
  return found
}
