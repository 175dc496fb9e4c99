import type {Cluster} from '../cluster.js'
import type {KubeObject} from '../types.js'

import {StatusError} from '../errors.js'
import {matchesSelectorObject} from '../selectors.js'
import {isPodActive, isPodReady, ownedBy, ownerRef, setCondition, type Condition} from './util.js'

/** Pods from a workload's template, created through admission like the real controllers do. */
export function podFromTemplate(owner: KubeObject, extra: {name?: string; generateName?: string; labels?: Record<string, string>; spec?: Record<string, unknown>} = {}): KubeObject {
  const template = owner.spec.template
  const annotations = template.metadata?.annotations
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(extra.name ? {name: extra.name} : {name: '', generateName: extra.generateName ?? `${owner.metadata.name}-`}),
      namespace: owner.metadata.namespace,
      labels: {...template.metadata?.labels, ...extra.labels},
      ...(annotations && Object.keys(annotations).length ? {annotations: {...annotations}} : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: {...structuredClone(template.spec), ...extra.spec},
  }
}

/** Tries to create a pod; on rejection records FailedCreate as the controller's event recorder does. */
export function createPodFor(cluster: Cluster, owner: KubeObject, pod: KubeObject, component: string): string | undefined {
  try {
    const created = cluster.create(pod, owner.metadata.namespace)
    cluster.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, component)
    return undefined
  } catch (error) {
    if (!(error instanceof StatusError)) throw error
    const message = `Error creating: ${error.message}`
    cluster.event(owner, 'Warning', 'FailedCreate', message, component)
    return message
  }
}

/** The ReplicaSet controller: keep spec.replicas pods, report their readiness. */
export function reconcileReplicaSet(cluster: Cluster, namespace: string, name: string): void {
  const rs = cluster.store.get('replicasets', namespace, name)
  if (!rs) return
  const owned = () => cluster.store.list('pods', namespace).filter((p) => ownedBy(p, rs) && isPodActive(p))
  let pods = owned()
  const want = rs.spec.replicas ?? 1
  let failure: string | undefined
  for (let i = pods.length; i < want && !failure; i++) failure = createPodFor(cluster, rs, podFromTemplate(rs), 'replicaset-controller')
  if (pods.length > want) {
    const rank = (p: KubeObject) => (p.spec.nodeName ? 1 : 0) + (p.status?.phase === 'Running' ? 2 : 0) + (isPodReady(p) ? 4 : 0)
    const victims = [...pods].sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '')).slice(0, pods.length - want)
    for (const p of victims) {
      cluster.store.delete('pods', namespace, p.metadata.name)
      cluster.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'replicaset-controller')
    }
  }
  pods = owned()
  const ready = pods.filter(isPodReady).length
  let conditions = (rs.status?.conditions ?? []) as Condition[]
  if (failure) conditions = setCondition(conditions, {type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure.replace(/^Error creating: /, '')})
  else conditions = conditions.filter((c) => c.type !== 'ReplicaFailure')
  cluster.writeStatus(rs, {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => matchesSelectorObject(p.metadata.labels, rs.spec.selector)).length,
    ...(ready ? {readyReplicas: ready, availableReplicas: ready} : {}),
    observedGeneration: rs.metadata.generation,
    ...(conditions.length ? {conditions} : {}),
  })
}
