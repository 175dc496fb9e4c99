import type {Cluster} from '../cluster.js'
import type {KubeObject} from '../types.js'

import {ownedBy, ownerRef, scaledValue, setCondition, stableJson, templateHash, type Condition} from './util.js'

const REVISION = 'deployment.kubernetes.io/revision'
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history'
const HASH_LABEL = 'pod-template-hash'

function withoutHash(template: KubeObject['spec']): string {
  const t = structuredClone(template)
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL]
  return stableJson(t)
}

const specReplicas = (rs: KubeObject): number => rs.spec.replicas ?? 0
const sum = (list: KubeObject[], f: (rs: KubeObject) => number) => list.reduce((n, rs) => n + f(rs), 0)

/**
 * The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template named
 * `<deployment>-<hash>`, rolling update bounded by maxSurge/maxUnavailable, the status and conditions
 * `kubectl rollout status` reads, and ProgressDeadlineExceeded after progressDeadlineSeconds.
 */
export function reconcileDeployment(cluster: Cluster, namespace: string, name: string): void {
  const d = cluster.store.get('deployments', namespace, name)
  if (!d) return
  const all = cluster.store.list('replicasets', namespace).filter((rs) => ownedBy(rs, d))
  const replicas: number = d.spec.replicas ?? 1
  const templateKey = withoutHash(d.spec.template)
  let newRS = all.find((rs) => withoutHash(rs.spec.template) === templateKey)
  const old = all.filter((rs) => rs !== newRS).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''))
  let created = false
  const maxRevision = Math.max(0, ...all.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)))

  const scale = (rs: KubeObject, to: number) => {
    const from = specReplicas(rs)
    if (from === to) return rs
    const updated = cluster.store.update('replicasets', {
      ...rs,
      spec: {...rs.spec, replicas: to},
      metadata: {...rs.metadata, annotations: {...rs.metadata.annotations, ...replicasAnnotations(d)}},
    })
    cluster.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`, 'deployment-controller')
    return updated
  }

  if (!d.spec.paused) {
    const rolling = d.spec.strategy?.type !== 'Recreate'
    const surge = rolling ? scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge, replicas, true) : 0
    const unavailable = rolling ? scaledValue(d.spec.strategy?.rollingUpdate?.maxUnavailable, replicas, false) : replicas
    let newDesired = newRS ? specReplicas(newRS) : 0
    const oldPods = sum(old, (rs) => rs.status?.replicas ?? 0)
    if (!rolling) newDesired = oldPods > 0 || sum(old, specReplicas) > 0 ? 0 : replicas
    else if (newDesired > replicas) newDesired = replicas
    else if (newDesired < replicas) {
      const maxTotal = replicas + surge
      const total = sum(old, specReplicas) + newDesired
      if (total < maxTotal) newDesired += Math.min(maxTotal - total, replicas - newDesired)
    }
    if (!newRS) {
      newRS = createReplicaSet(cluster, d, maxRevision + 1, newDesired)
      created = true
      if (newDesired) cluster.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRS.metadata.name} from 0 to ${newDesired}`, 'deployment-controller')
    } else {
      const annotations = newReplicaSetAnnotations(d, newRS, maxRevision)
      if (JSON.stringify(annotations) !== JSON.stringify(newRS.metadata.annotations ?? {})) {
        newRS = cluster.store.update('replicasets', {...newRS, metadata: {...newRS.metadata, annotations}})
      }
      newRS = scale(newRS, newDesired)
    }
    if (!rolling) for (const rs of old) scale(rs, 0)
    else scaleDownOld(old, newRS, replicas, unavailable, scale)
  }

  writeStatus(cluster, d, newRS, cluster.store.list('replicasets', namespace).filter((rs) => ownedBy(rs, d)), created)
}

/** deployment_util.go annotationsToSkip: what the controller never copies from a Deployment to its ReplicaSets. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
])

/** copyDeploymentAnnotationsToReplicaSet: every other annotation (kubernetes.io/change-cause among them). */
function copiedAnnotations(d: KubeObject): Record<string, string> {
  return Object.fromEntries(Object.entries((d.metadata.annotations ?? {}) as Record<string, string>).filter(([k]) => !NOT_COPIED.has(k)))
}

/** SetReplicasAnnotations: desired-replicas = spec.replicas, max-replicas = spec.replicas + MaxSurge. */
function replicasAnnotations(d: KubeObject): Record<string, string> {
  const replicas: number = d.spec.replicas ?? 1
  const surge = d.spec.strategy?.type === 'Recreate' ? 0 : scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge, replicas, true)
  return {'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + surge)}
}

/**
 * SetNewReplicaSetAnnotations for an existing new ReplicaSet: copy the Deployment's annotations; when it comes back
 * as the newest (a rollback), give it the next revision and remember the one it had in revision-history.
 */
function newReplicaSetAnnotations(d: KubeObject, rs: KubeObject, maxRevision: number): Record<string, string> {
  const annotations: Record<string, string> = {...rs.metadata.annotations, ...copiedAnnotations(d)}
  const oldRevision = annotations[REVISION]
  if (Number(oldRevision ?? 0) < maxRevision) {
    annotations[REVISION] = String(maxRevision + 1)
    if (oldRevision) annotations[REVISION_HISTORY] = annotations[REVISION_HISTORY] ? `${annotations[REVISION_HISTORY]},${oldRevision}` : oldRevision
  }
  return annotations
}

function createReplicaSet(cluster: Cluster, d: KubeObject, revision: number, replicas: number): KubeObject {
  const hash = templateHash(d.spec.template)
  const template = structuredClone(d.spec.template)
  template.metadata = {...template.metadata, labels: {...template.metadata?.labels, [HASH_LABEL]: hash}}
  return cluster.store.create('replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: {...d.spec.template.metadata?.labels, [HASH_LABEL]: hash},
      annotations: {...copiedAnnotations(d), ...replicasAnnotations(d), [REVISION]: String(revision)},
      ownerReferences: [ownerRef(d)],
    },
    spec: {
      replicas,
      selector: {...d.spec.selector, matchLabels: {...d.spec.selector?.matchLabels, [HASH_LABEL]: hash}},
      template,
    },
  })
}

/** reconcileOldReplicaSets: drop unhealthy old pods first, then available ones while minAvailable holds. */
function scaleDownOld(old: KubeObject[], newRS: KubeObject, replicas: number, maxUnavailable: number, scale: (rs: KubeObject, to: number) => KubeObject): void {
  if (!sum(old, specReplicas)) return
  const minAvailable = replicas - maxUnavailable
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0)
  const allPods = sum(old, specReplicas) + specReplicas(newRS)
  const maxScaledDown = allPods - minAvailable - newUnavailable
  if (maxScaledDown <= 0) return
  let cleaned = 0
  const current = old.map((rs) => {
    const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0)
    const n = Math.min(maxScaledDown - cleaned, unhealthy)
    if (n <= 0) return rs
    cleaned += n
    return scale(rs, specReplicas(rs) - n)
  })
  const available = sum(current, (rs) => Math.min(rs.status?.availableReplicas ?? 0, specReplicas(rs))) + (newRS.status?.availableReplicas ?? 0)
  let toScaleDown = available - minAvailable
  for (const rs of current) {
    if (toScaleDown <= 0) break
    const n = Math.min(specReplicas(rs), toScaleDown)
    if (n > 0) scale(rs, specReplicas(rs) - n)
    toScaleDown -= n
  }
}

function writeStatus(cluster: Cluster, d: KubeObject, newRS: KubeObject | undefined, all: KubeObject[], created: boolean): void {
  const replicas: number = d.spec.replicas ?? 1
  const st = (rs: KubeObject, k: string) => (rs.status?.[k] as number | undefined) ?? 0
  const total = sum(all, (rs) => st(rs, 'replicas'))
  const updated = newRS ? st(newRS, 'replicas') : 0
  const ready = sum(all, (rs) => st(rs, 'readyReplicas'))
  const available = sum(all, (rs) => st(rs, 'availableReplicas'))
  const maxUnavailable = d.spec.strategy?.type === 'Recreate' ? replicas : scaledValue(d.spec.strategy?.rollingUpdate?.maxUnavailable, replicas, false)
  let conditions = (d.status?.conditions ?? []) as Condition[]
  conditions = setCondition(
    conditions,
    available >= replicas - maxUnavailable
      ? {type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.'}
      : {type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.'},
    true,
  )
  const rsName = newRS?.metadata.name
  const complete = updated === replicas && available >= replicas && total === replicas && (newRS ? st(newRS, 'availableReplicas') >= replicas : replicas === 0)
  const progressing = conditions.find((c) => c.type === 'Progressing')
  const deadline = d.spec.progressDeadlineSeconds as number | undefined
  if (created) conditions = setCondition(conditions, {type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"`}, true)
  else if (complete) conditions = setCondition(conditions, {type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.`}, true)
  else if (progressing?.reason === 'ProgressDeadlineExceeded') {
    // stays failed until the template changes (a new ReplicaSet) or the rollout completes
  } else if (deadline !== undefined && progressing?.lastUpdateTime && Date.now() - Date.parse(progressing.lastUpdateTime) >= deadline * 1000) {
    conditions = setCondition(conditions, {type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.`}, true)
  } else if (newRS) {
    conditions = setCondition(conditions, {type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.`}, true)
    if (deadline !== undefined) scheduleDeadline(cluster, d, deadline)
  }
  const order = ['Available', 'Progressing', 'ReplicaFailure']
  conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type))
  const revision = newRS?.metadata.annotations?.[REVISION]
  if (revision && d.metadata.annotations?.[REVISION] !== revision) {
    d.metadata.annotations = {...d.metadata.annotations, [REVISION]: revision}
    cluster.store.update('deployments', d)
  }
  // calculateStatus: desired pods of every ReplicaSet minus the available ones
  const unavailable = Math.max(0, sum(all, specReplicas) - available)
  cluster.writeStatus(d, {
    observedGeneration: d.metadata.generation,
    replicas: total,
    updatedReplicas: updated,
    ...(ready ? {readyReplicas: ready} : {}),
    ...(available ? {availableReplicas: available} : {}),
    ...(unavailable ? {unavailableReplicas: unavailable} : {}),
    conditions,
  })
}

const deadlines = new WeakMap<Cluster, Set<string>>()

/** Re-examines a stalled rollout once its progress deadline has passed (once per deployment generation). */
function scheduleDeadline(cluster: Cluster, d: KubeObject, seconds: number): void {
  const seen = deadlines.get(cluster) ?? new Set<string>()
  deadlines.set(cluster, seen)
  const key = `${d.metadata.uid}/${d.metadata.generation}`
  if (seen.has(key)) return
  seen.add(key)
  const {namespace, name} = d.metadata
  cluster.after(seconds * 1000 + 50, () => cluster.queue.enqueue(`deployment/${namespace}/${name}`, () => reconcileDeployment(cluster, namespace!, name)))
}
