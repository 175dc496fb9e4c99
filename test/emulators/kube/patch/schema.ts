/**
 * The patch metadata (`patchStrategy` / `patchMergeKey` struct tags of k8s.io/api) for the fields strategic merge
 * patch has to know about. A field not listed is a map (merged) or a list (replaced), as for a tagless Go field.
 */
export interface FieldInfo {
  type?: TypeInfo
  /** set for lists with patchStrategy "merge"; '' for merged lists of scalars */
  mergeKey?: string
}
export interface TypeInfo {
  fields: Record<string, FieldInfo>
}

const t = (fields: Record<string, FieldInfo>): TypeInfo => ({fields})

const objectMeta = t({
  finalizers: {mergeKey: ''},
  ownerReferences: {mergeKey: 'uid'},
})
const container = t({
  env: {mergeKey: 'name'},
  ports: {mergeKey: 'containerPort'},
  volumeMounts: {mergeKey: 'mountPath'},
  volumeDevices: {mergeKey: 'devicePath'},
})
const podSpec = t({
  containers: {mergeKey: 'name', type: container},
  initContainers: {mergeKey: 'name', type: container},
  ephemeralContainers: {mergeKey: 'name', type: container},
  volumes: {mergeKey: 'name'},
  imagePullSecrets: {mergeKey: 'name'},
  hostAliases: {mergeKey: 'ip'},
  topologySpreadConstraints: {mergeKey: 'topologyKey'},
  resourceClaims: {mergeKey: 'name'},
  schedulingGates: {mergeKey: 'name'},
})
const conditions = {mergeKey: 'type'}
const podTemplateSpec = t({metadata: {type: objectMeta}, spec: {type: podSpec}})
const workload = t({
  metadata: {type: objectMeta},
  spec: {type: t({template: {type: podTemplateSpec}})},
  status: {type: t({conditions})},
})

const byKind: Record<string, TypeInfo> = {
  Pod: t({
    metadata: {type: objectMeta},
    spec: {type: podSpec},
    status: {type: t({conditions, initContainerStatuses: {}, containerStatuses: {}, podIPs: {mergeKey: 'ip'}})},
  }),
  Deployment: workload,
  ReplicaSet: workload,
  StatefulSet: workload,
  DaemonSet: workload,
  Service: t({metadata: {type: objectMeta}, spec: {type: t({ports: {mergeKey: 'port'}})}, status: {type: t({conditions})}}),
  Node: t({metadata: {type: objectMeta}, status: {type: t({conditions, addresses: {mergeKey: 'type'}})}}),
  MutatingWebhookConfiguration: t({metadata: {type: objectMeta}, webhooks: {mergeKey: 'name'}}),
  ValidatingWebhookConfiguration: t({metadata: {type: objectMeta}, webhooks: {mergeKey: 'name'}}),
  Namespace: t({metadata: {type: objectMeta}, status: {type: t({conditions})}}),
}

export function schemaFor(kind: string): TypeInfo {
  return byKind[kind] ?? t({metadata: {type: objectMeta}})
}
