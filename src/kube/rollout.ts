import type {V1DaemonSet, V1Deployment, V1StatefulSet} from '@kubernetes/client-node'

import {VsiError} from '../errors.js'
import type {KubeClient, Workload} from './client.js'
import {isAbort} from './errors.js'
import {labelSelectorToString} from './selector.js'
import type {WorkloadRef} from './workload.js'
import {formatRef} from './workload.js'

const REVISION = 'deployment.kubernetes.io/revision'

export interface RolloutStatus {
  done: boolean
  /** kubectl's own wording, e.g. `Waiting for deployment "orgchart" rollout to finish: 1 of 3 updated replicas are available...`. */
  message: string
  /** Pods of the new revision that are ready, and how many the controller wants: for the spinner. */
  ready: number
  desired: number
  /** Set when the rollout cannot finish by waiting (progress deadline exceeded, OnDelete strategy). */
  failure?: string
}

function deploymentStatus(d: V1Deployment): RolloutStatus {
  const name = d.metadata?.name
  const s = d.status ?? {}
  const desired = d.spec?.replicas ?? 1
  const updated = s.updatedReplicas ?? 0
  const available = s.availableReplicas ?? 0
  const base = {ready: Math.min(updated, available), desired}
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return {...base, done: false, message: 'Waiting for deployment spec update to be observed...'}
  }
  const progressing = s.conditions?.find((c) => c.type === 'Progressing')
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const failure = `deployment "${name}" exceeded its progress deadline`
    return {...base, done: false, message: failure, failure}
  }
  if (updated < desired) {
    return {...base, done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`}
  }
  if ((s.replicas ?? 0) > updated) {
    return {...base, done: false, message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...`}
  }
  if (available < updated) {
    return {...base, done: false, message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`}
  }
  return {...base, done: true, message: `deployment "${name}" successfully rolled out`}
}

function statefulSetStatus(s: V1StatefulSet): RolloutStatus {
  const name = s.metadata?.name
  const st = s.status ?? {replicas: 0}
  const desired = s.spec?.replicas ?? 1
  const ready = st.readyReplicas ?? 0
  const base = {ready: Math.min(ready, st.updatedReplicas ?? ready), desired}
  if (s.spec?.updateStrategy?.type && s.spec.updateStrategy.type !== 'RollingUpdate') {
    const failure = `rollout status is only available for RollingUpdate strategy type (statefulset "${name}" uses ${s.spec.updateStrategy.type}: delete its pods to roll it out)`
    return {...base, done: false, message: failure, failure}
  }
  if (!st.observedGeneration || (s.metadata?.generation ?? 0) > st.observedGeneration) {
    return {...base, done: false, message: 'Waiting for statefulset spec update to be observed...'}
  }
  if (ready < desired) {
    return {...base, done: false, message: `Waiting for ${desired - ready} pods to be ready...`}
  }
  const partition = s.spec?.updateStrategy?.rollingUpdate?.partition ?? 0
  if (partition > 0) {
    if ((st.updatedReplicas ?? 0) < desired - partition) {
      return {...base, done: false, message: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${desired - partition} new pods have been updated...`}
    }
    return {...base, ready, done: true, message: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...`}
  }
  if (st.updateRevision !== st.currentRevision) {
    return {...base, done: false, message: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision}...`}
  }
  return {...base, ready, done: true, message: `statefulset rolling update complete ${st.currentReplicas ?? ready} pods at revision ${st.currentRevision}...`}
}

function daemonSetStatus(d: V1DaemonSet): RolloutStatus {
  const name = d.metadata?.name
  const s = d.status
  const desired = s?.desiredNumberScheduled ?? 0
  const updated = s?.updatedNumberScheduled ?? 0
  const available = s?.numberAvailable ?? 0
  const base = {ready: Math.min(updated, available), desired}
  if (d.spec?.updateStrategy?.type && d.spec.updateStrategy.type !== 'RollingUpdate') {
    const failure = `rollout status is only available for RollingUpdate strategy type (daemonset "${name}" uses ${d.spec.updateStrategy.type})`
    return {...base, done: false, message: failure, failure}
  }
  if ((d.metadata?.generation ?? 0) > (s?.observedGeneration ?? 0)) {
    return {...base, done: false, message: 'Waiting for daemon set spec update to be observed...'}
  }
  if (updated < desired) {
    return {...base, done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`}
  }
  if (available < desired) {
    return {...base, done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`}
  }
  return {...base, done: true, message: `daemon set "${name}" successfully rolled out`}
}

/** kubectl's `rollout status` judgement (kubectl/pkg/polymorphichelpers/rollout_status.go), for one observation. */
export function rolloutStatus(ref: WorkloadRef, workload: Workload): RolloutStatus {
  switch (ref.kind) {
    case 'Deployment':
      return deploymentStatus(workload as V1Deployment)
    case 'StatefulSet':
      return statefulSetStatus(workload as V1StatefulSet)
    case 'DaemonSet':
      return daemonSetStatus(workload as V1DaemonSet)
  }
}

export interface WaitForRolloutOptions {
  namespace?: string
  /** Aborts when --timeout runs out. */
  signal: AbortSignal
  onProgress?: (status: RolloutStatus) => void
  /** A copy of the workload the caller has just read: judged first, saving a request when it is already rolled out. */
  current?: Workload
  /**
   * For a Deployment, count `ready` from its new ReplicaSet alone (one more request per poll): the Deployment's own
   * counts mix in the old pods that still serve while the new ones start.
   */
  countNewPods?: boolean
}

/**
 * Ready pods of a Deployment's new ReplicaSet: the one whose revision annotation is the Deployment's, as the
 * deployment controller marks them (kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go,
 * RevisionAnnotation). 0 while the controller has not yet created it.
 */
export async function newReplicaSetReady(kube: KubeClient, deployment: V1Deployment, namespace?: string): Promise<number> {
  const revision = deployment.metadata?.annotations?.[REVISION]
  if (revision === undefined) return 0
  const sets = await kube.listReplicaSets({namespace, labelSelector: labelSelectorToString(deployment.spec?.selector)})
  const owned = sets.filter((set) => set.metadata?.ownerReferences?.some((owner) => owner.uid === deployment.metadata?.uid))
  return owned.find((set) => set.metadata?.annotations?.[REVISION] === revision)?.status?.readyReplicas ?? 0
}

/** Polling with backoff (250 ms doubling to 2 s): cheap on the API server, and quick when the rollout is quick. */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, {once: true})
  })
}

export function* backoff(firstMs = 250, maxMs = 2000): Generator<number> {
  for (let delay = firstMs; ; delay = Math.min(delay * 2, maxMs)) yield delay
}

/**
 * Waits until the rollout is done as `kubectl rollout status` judges it. Returns the last status: `done: false` means
 * the signal aborted first (the caller turns that into its timeout error). Throws on a rollout that cannot finish.
 */
export async function waitForRollout(kube: KubeClient, ref: WorkloadRef, options: WaitForRolloutOptions): Promise<RolloutStatus> {
  const client = kube.withSignal(options.signal)
  let last: RolloutStatus = {done: false, message: 'Waiting for the rollout to start...', ready: 0, desired: 0}
  let current = options.current
  for (const delay of backoff()) {
    try {
      const workload = current ?? (await client.getWorkload(ref, options.namespace))
      current = undefined
      last = rolloutStatus(ref, workload)
      const observed = (workload.metadata?.generation ?? 0) <= (workload.status?.observedGeneration ?? 0)
      if (options.countNewPods && ref.kind === 'Deployment' && !last.done) {
        // Before the controller has seen the new template, its revision still names the old ReplicaSet.
        last = {...last, ready: observed ? await newReplicaSetReady(client, workload as V1Deployment, options.namespace) : 0}
      }
    } catch (error) {
      if (options.signal.aborted || (error instanceof VsiError && error.code === 'timeout') || isAbort(error)) return last
      throw error
    }
    options.onProgress?.(last)
    if (last.failure) {
      throw new VsiError(last.failure, {code: 'rollout-failed', hint: `See why with: kubectl describe ${formatRef(ref)}`})
    }
    if (last.done || options.signal.aborted) return last
    await sleepUnlessAborted(delay, options.signal)
    if (options.signal.aborted) return last
  }
  return last
}
