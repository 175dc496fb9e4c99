import type {Cluster} from '../cluster.js'
import type {KubeObject} from '../types.js'

import {createPodFor, podFromTemplate} from './replicaset.js'
import {isPodActive, isPodReady, ownedBy, ownerRef, templateHash} from './util.js'

const REVISION_LABEL = 'controller-revision-hash'

/** Finds or records the ControllerRevision for the current template, as the history package does. */
function currentRevision(cluster: Cluster, owner: KubeObject): string {
  const name = `${owner.metadata.name}-${templateHash(owner.spec.template)}`
  const ns = owner.metadata.namespace
  if (!cluster.store.get('controllerrevisions', ns, name)) {
    const revisions = cluster.store.list('controllerrevisions', ns).filter((r) => ownedBy(r, owner))
    cluster.store.create('controllerrevisions', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {name, namespace: ns, labels: {...owner.spec.template.metadata?.labels, [REVISION_LABEL]: name.slice(owner.metadata.name.length + 1)}, ownerReferences: [ownerRef(owner)]},
      data: {spec: {template: {...owner.spec.template, $patch: 'replace'}}},
      revision: Math.max(0, ...revisions.map((r) => r.revision as number)) + 1,
    })
  }
  return name
}

/**
 * The StatefulSet controller: pods `<name>-<ordinal>` created in order (or in parallel), replaced from the highest
 * ordinal down under RollingUpdate (never under OnDelete), with the revisions `kubectl rollout status` compares.
 */
export function reconcileStatefulSet(cluster: Cluster, namespace: string, name: string): void {
  const sts = cluster.store.get('statefulsets', namespace, name)
  if (!sts) return
  const updateRevision = currentRevision(cluster, sts)
  const replicas: number = sts.spec.replicas ?? 1
  const parallel = sts.spec.podManagementPolicy === 'Parallel'
  const podAt = (i: number) => cluster.store.get('pods', namespace, `${name}-${i}`)
  for (let i = 0; i < replicas; i++) {
    const pod = podAt(i)
    if (pod) {
      if (!parallel && !isPodReady(pod)) break
      continue
    }
    const hash = updateRevision.slice(name.length + 1)
    const failed = createPodFor(
      cluster,
      sts,
      podFromTemplate(sts, {
        name: `${name}-${i}`,
        labels: {[REVISION_LABEL]: `${name}-${hash}`, 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i)},
        spec: {hostname: `${name}-${i}`, ...(sts.spec.serviceName ? {subdomain: sts.spec.serviceName} : {})},
      }),
      'statefulset-controller',
    )
    if (failed || !parallel) break
  }
  const pods = cluster.store.list('pods', namespace).filter((p) => ownedBy(p, sts) && isPodActive(p))
  for (const p of pods) {
    const ordinal = Number(p.metadata.name.slice(name.length + 1))
    if (ordinal >= replicas) {
      cluster.store.delete('pods', namespace, p.metadata.name)
      cluster.event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`, 'statefulset-controller')
    }
  }
  const live = pods.filter((p) => Number(p.metadata.name.slice(name.length + 1)) < replicas)
  const partition: number = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0
  if (sts.spec.updateStrategy?.type !== 'OnDelete' && live.length === replicas && live.every(isPodReady)) {
    const stale = live
      .filter((p) => p.metadata.labels?.[REVISION_LABEL] !== updateRevision && Number(p.metadata.name.slice(name.length + 1)) >= partition)
      .sort((a, b) => Number(b.metadata.name.slice(name.length + 1)) - Number(a.metadata.name.slice(name.length + 1)))[0]
    if (stale) {
      cluster.store.delete('pods', namespace, stale.metadata.name)
      cluster.event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${stale.metadata.name} in StatefulSet ${name} successful`, 'statefulset-controller')
    }
  }
  const current = cluster.store.list('pods', namespace).filter((p) => ownedBy(p, sts) && isPodActive(p))
  const ready = current.filter(isPodReady).length
  const updated = current.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length
  const previous: string = sts.status?.currentRevision ?? updateRevision
  const currentRev = updated === replicas && ready === replicas ? updateRevision : previous
  cluster.writeStatus(sts, {
    observedGeneration: sts.metadata.generation,
    replicas: current.length,
    readyReplicas: ready,
    currentReplicas: current.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRev).length,
    updatedReplicas: updated,
    currentRevision: currentRev,
    updateRevision,
    collisionCount: 0,
    availableReplicas: ready,
  })
}

/**
 * The DaemonSet controller on the one-node cluster: one pod per DaemonSet, replaced when its template changes
 * (RollingUpdate) or left alone (OnDelete).
 */
export function reconcileDaemonSet(cluster: Cluster, namespace: string, name: string): void {
  const ds = cluster.store.get('daemonsets', namespace, name)
  if (!ds) return
  const revision = currentRevision(cluster, ds)
  const hash = revision.slice(name.length + 1)
  const owned = () => cluster.store.list('pods', namespace).filter((p) => ownedBy(p, ds) && isPodActive(p))
  let pods = owned()
  if (ds.spec.updateStrategy?.type !== 'OnDelete') {
    for (const p of pods.filter((x) => x.metadata.labels?.[REVISION_LABEL] !== hash)) {
      cluster.store.delete('pods', namespace, p.metadata.name)
      cluster.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'daemonset-controller')
    }
    pods = owned()
  }
  if (!pods.length) {
    createPodFor(cluster, ds, podFromTemplate(ds, {labels: {[REVISION_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1)}}), 'daemonset-controller')
    pods = owned()
  }
  const ready = pods.filter(isPodReady).length
  cluster.writeStatus(ds, {
    currentNumberScheduled: pods.length,
    desiredNumberScheduled: 1,
    numberMisscheduled: 0,
    numberReady: ready,
    ...(ready ? {numberAvailable: ready} : {numberUnavailable: 1}),
    observedGeneration: ds.metadata.generation,
    updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash).length,
  })
}
