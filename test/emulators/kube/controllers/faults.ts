/**
 * Pods that do not get to Running, as the real scheduler and kubelet report them. Kept apart from kubelet.ts:
 *
 * - A nodeSelector the single node's labels do not satisfy: the scheduler leaves the pod unbound, sets
 *   PodScheduled=False reason Unschedulable and records a FailedScheduling event (kubernetes/kubernetes
 *   pkg/scheduler/schedule_one.go handleSchedulingFailure; message from pkg/scheduler/framework/types.go
 *   FitError.Error and ErrReasonPod in pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go).
 * - Test convention: an image tagged `:crash-loop` starts, writes an error and exits 1 each time; the kubelet shows
 *   CrashLoopBackOff with the back-off message of pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff
 *   ("back-off 10s restarting failed container=… pod=…") and lastState.terminated.
 */
import type {Cluster, PodRuntime} from '../cluster.js'
import type {Container, KubeObject} from '../types.js'

import {NODE_NAME} from '../cluster.js'
import {now, setCondition, type Condition} from './util.js'

export const crashLooping = (image = '') => image.endsWith(':crash-loop')

/** The scheduler's verdict for an unbound pod on the single node, or undefined when it fits. */
export function unschedulableMessage(cluster: Cluster, pod: KubeObject): string | undefined {
  const selector = (pod.spec.nodeSelector ?? {}) as Record<string, string>
  const node = cluster.store.get('nodes', undefined, NODE_NAME)
  const labels = (node?.metadata.labels ?? {}) as Record<string, string>
  if (Object.entries(selector).every(([key, value]) => labels[key] === value)) return undefined
  return "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
}

export function markUnschedulable(cluster: Cluster, pod: KubeObject, message: string): void {
  const conditions = setCondition((pod.status?.conditions ?? []) as Condition[], {type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null})
  if (pod.status?.phase === 'Pending' && JSON.stringify(conditions) === JSON.stringify(pod.status?.conditions)) return
  cluster.writeStatus(pod, {phase: 'Pending', conditions, qosClass: 'BestEffort'})
  cluster.event(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler')
}

/** The status of a `:crash-loop` container: it has run and failed; its log holds what it printed. */
export function crashLoopStatus(cluster: Cluster, pod: KubeObject, c: Container, rt: PodRuntime, info: {id: string; startedAt: string}) {
  if (!rt.logs.has(c.name)) {
    cluster.appendLog(rt, c.name, `exec /bin/sh: exec format error\n`)
    cluster.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, 'kubelet')
  }
  return {
    state: {waiting: {reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`}},
    lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: info.startedAt, finishedAt: now(), containerID: `docker://${info.id}`}},
    restartCount: 1,
  }
}
