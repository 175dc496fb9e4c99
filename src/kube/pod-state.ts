import type {V1ContainerStatus, V1Pod} from '@kubernetes/client-node'

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
}

export function isTerminating(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null
}

/** `running`, `waiting: CrashLoopBackOff (back-off 10s …)`, `terminated: Completed (exit 0)`, as kubectl describe words it. */
export function describeContainerState(status: V1ContainerStatus | undefined): string {
  const state = status?.state
  if (!state) return 'not started'
  if (state.running) return 'running'
  if (state.waiting) return `waiting: ${state.waiting.reason ?? 'unknown'}${state.waiting.message ? ` (${state.waiting.message})` : ''}`
  if (state.terminated) {
    const t = state.terminated
    return `terminated: ${t.reason ?? 'unknown'} (exit ${t.exitCode})${t.message ? ` ${t.message}` : ''}`
  }
  return 'unknown'
}

export function containerStatus(pod: V1Pod, name: string, init = false): V1ContainerStatus | undefined {
  const statuses = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses
  return statuses?.find((s) => s.name === name)
}

export function initCompleted(pod: V1Pod, name: string): boolean {
  const status = containerStatus(pod, name, true)
  return status?.state?.terminated?.exitCode === 0
}

/** The first reason a pod is not ready, in the order a user would look: init containers, then app containers. */
export function notReadyReason(pod: V1Pod): string {
  if (isTerminating(pod)) return 'pod is terminating'
  for (const init of pod.spec?.initContainers ?? []) {
    if (!initCompleted(pod, init.name)) return `init container ${init.name} has not completed (${describeContainerState(containerStatus(pod, init.name, true))})`
  }
  for (const container of pod.spec?.containers ?? []) {
    const status = containerStatus(pod, container.name)
    if (!status?.ready) return `container ${container.name} is not ready (${describeContainerState(status)})`
  }
  const phase = pod.status?.phase ?? 'Pending'
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
  if (scheduled?.status === 'False') return `pod is not scheduled: ${scheduled.message ?? scheduled.reason ?? 'no node fits'}`
  return `pod is ${phase}`
}
