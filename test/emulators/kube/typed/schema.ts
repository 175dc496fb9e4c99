/**
 * The Go types (k8s.io/api core/v1, apps/v1, rbac/v1 and metav1 types.go) of the kinds users create and patch, as much
 * as typed decoding needs: each field's JSON type and the Go type name errors print. A struct marked `open` is decoded
 * without unknown-field checks (its full field list is not modelled here); `any` fields are not checked at all.
 */
export type Shape =
  | {t: 'string' | 'bool' | 'int32' | 'int64' | 'intstr' | 'any'}
  | {t: 'map'; of: Shape; go: string}
  | {t: 'list'; of: Shape; go: string}
  | {t: 'struct'; name: string; pkg: string; fields: Record<string, Shape>; open?: boolean}

const str: Shape = {t: 'string'}
const bool: Shape = {t: 'bool'}
const int32: Shape = {t: 'int32'}
const int64: Shape = {t: 'int64'}
const intstr: Shape = {t: 'intstr'}
const any: Shape = {t: 'any'}
const strMap: Shape = {t: 'map', of: str, go: 'map[string]string'}
const strList: Shape = {t: 'list', of: str, go: '[]string'}
const struct = (name: string, fields: Record<string, Shape>, pkg = 'v1', open = false): Shape => ({t: 'struct', name, pkg, fields, open})
const list = (of: Shape): Shape => ({t: 'list', of, go: `[]${of.t === 'struct' ? `${of.pkg}.${of.name}` : 'interface {}'}`})

const ownerReference = struct('OwnerReference', {apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool})
const objectMeta = struct('ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  creationTimestamp: any,
  deletionTimestamp: any,
  deletionGracePeriodSeconds: int64,
  labels: strMap,
  annotations: strMap,
  ownerReferences: list(ownerReference),
  finalizers: strList,
  managedFields: any,
})
const labelSelector = struct('LabelSelector', {
  matchLabels: strMap,
  matchExpressions: list(struct('LabelSelectorRequirement', {key: str, operator: str, values: strList})),
})
const containerPort = struct('ContainerPort', {name: str, hostPort: int32, containerPort: int32, protocol: str, hostIP: str})
const envVar = struct('EnvVar', {name: str, value: str, valueFrom: any})
const volumeMount = struct('VolumeMount', {name: str, readOnly: bool, recursiveReadOnly: str, mountPath: str, subPath: str, mountPropagation: str, subPathExpr: str})
const container = struct('Container', {
  name: str,
  image: str,
  command: strList,
  args: strList,
  workingDir: str,
  ports: list(containerPort),
  envFrom: any,
  env: list(envVar),
  resources: any,
  resizePolicy: any,
  restartPolicy: str,
  volumeMounts: list(volumeMount),
  volumeDevices: any,
  livenessProbe: any,
  readinessProbe: any,
  startupProbe: any,
  lifecycle: any,
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  imagePullPolicy: str,
  securityContext: any,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
})
const volume = struct('Volume', {name: str}, 'v1', true)
const podSpec = struct('PodSpec', {
  volumes: list(volume),
  initContainers: list(container),
  containers: list(container),
  ephemeralContainers: any,
  restartPolicy: str,
  terminationGracePeriodSeconds: int64,
  activeDeadlineSeconds: int64,
  dnsPolicy: str,
  nodeSelector: strMap,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: any,
  imagePullSecrets: any,
  hostname: str,
  subdomain: str,
  affinity: any,
  schedulerName: str,
  tolerations: any,
  hostAliases: any,
  priorityClassName: str,
  priority: int32,
  dnsConfig: any,
  readinessGates: any,
  runtimeClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: str,
  overhead: any,
  topologySpreadConstraints: any,
  setHostnameAsFQDN: bool,
  os: any,
  hostUsers: bool,
  schedulingGates: any,
  resourceClaims: any,
  resources: any,
})
const podTemplateSpec = struct('PodTemplateSpec', {metadata: objectMeta, spec: podSpec})
const top = (kind: string, fields: Record<string, Shape>, pkg = 'v1') => struct(kind, {apiVersion: str, kind: str, metadata: objectMeta, ...fields}, pkg)

const deploymentSpec = struct('DeploymentSpec', {
  replicas: int32,
  selector: labelSelector,
  template: podTemplateSpec,
  strategy: struct('DeploymentStrategy', {type: str, rollingUpdate: struct('RollingUpdateDeployment', {maxUnavailable: intstr, maxSurge: intstr})}),
  minReadySeconds: int32,
  revisionHistoryLimit: int32,
  paused: bool,
  progressDeadlineSeconds: int32,
})
const subject = struct('Subject', {kind: str, apiGroup: str, name: str, namespace: str})
const roleRef = struct('RoleRef', {apiGroup: str, kind: str, name: str})
const policyRule = struct('PolicyRule', {verbs: strList, apiGroups: strList, resources: strList, resourceNames: strList, nonResourceURLs: strList})
const servicePort = struct('ServicePort', {name: str, protocol: str, appProtocol: str, port: int32, targetPort: intstr, nodePort: int32})

export const KIND_SHAPES: Record<string, Shape> = {
  Deployment: top('Deployment', {spec: deploymentSpec, status: any}),
  ReplicaSet: top('ReplicaSet', {spec: struct('ReplicaSetSpec', {replicas: int32, minReadySeconds: int32, selector: labelSelector, template: podTemplateSpec}), status: any}),
  StatefulSet: top('StatefulSet', {
    spec: struct('StatefulSetSpec', {
      replicas: int32,
      selector: labelSelector,
      template: podTemplateSpec,
      volumeClaimTemplates: any,
      serviceName: str,
      podManagementPolicy: str,
      updateStrategy: any,
      revisionHistoryLimit: int32,
      minReadySeconds: int32,
      persistentVolumeClaimRetentionPolicy: any,
      ordinals: any,
    }),
    status: any,
  }),
  DaemonSet: top('DaemonSet', {spec: struct('DaemonSetSpec', {selector: labelSelector, template: podTemplateSpec, updateStrategy: any, minReadySeconds: int32, revisionHistoryLimit: int32}), status: any}),
  Pod: top('Pod', {spec: podSpec, status: any}),
  Service: top('Service', {
    spec: struct('ServiceSpec', {
      ports: list(servicePort),
      selector: strMap,
      clusterIP: str,
      clusterIPs: strList,
      type: str,
      externalIPs: strList,
      sessionAffinity: str,
      loadBalancerIP: str,
      loadBalancerSourceRanges: strList,
      externalName: str,
      externalTrafficPolicy: str,
      healthCheckNodePort: int32,
      publishNotReadyAddresses: bool,
      sessionAffinityConfig: any,
      ipFamilies: strList,
      ipFamilyPolicy: str,
      allocateLoadBalancerNodePorts: bool,
      loadBalancerClass: str,
      internalTrafficPolicy: str,
      trafficDistribution: str,
    }),
    status: any,
  }),
  ServiceAccount: top('ServiceAccount', {secrets: any, imagePullSecrets: any, automountServiceAccountToken: bool}),
  ConfigMap: top('ConfigMap', {immutable: bool, data: strMap, binaryData: any}),
  Secret: top('Secret', {immutable: bool, data: any, stringData: strMap, type: str}),
  Namespace: top('Namespace', {spec: any, status: any}),
  ClusterRoleBinding: top('ClusterRoleBinding', {subjects: list(subject), roleRef}),
  RoleBinding: top('RoleBinding', {subjects: list(subject), roleRef}),
  ClusterRole: top('ClusterRole', {rules: list(policyRule), aggregationRule: any}),
  Role: top('Role', {rules: list(policyRule)}),
}

/** The shared pieces other descriptions of these types build on (the OpenAPI documents of batch/v1). */
export const SHARED_SHAPES = {objectMeta, labelSelector, podTemplateSpec, struct, int32, int64, bool, str, any, top}
