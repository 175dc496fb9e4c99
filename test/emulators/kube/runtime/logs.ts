import type {Cluster} from '../cluster.js'
import type {KubeObject} from '../types.js'

import {errors} from '../errors.js'

type ContainerStatus = {name: string; state?: {waiting?: {reason?: string}}; lastState?: {terminated?: unknown}}

/** Picks the container an exec or log request addresses, with the API server's errors (pod/strategy.go). */
export function selectContainer(pod: KubeObject, requested: string | null): string {
  const containers = (pod.spec.containers as Array<{name: string}>).map((c) => c.name)
  const inits = ((pod.spec.initContainers ?? []) as Array<{name: string}>).map((c) => c.name)
  const ephemeral = ((pod.spec.ephemeralContainers ?? []) as Array<{name: string}>).map((c) => c.name)
  if (!requested) {
    if (containers.length === 1) return containers[0]
    const initPart = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''
    throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]${initPart}`)
  }
  if (![...containers, ...inits, ...ephemeral].includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`)
  return requested
}

/** The `log` subresource: the container's log text, or why it has none yet. */
export function podLog(cluster: Cluster, pod: KubeObject, query: URLSearchParams): string {
  const container = selectContainer(pod, query.get('container'))
  if (query.get('previous') === 'true') {
    throw errors.badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`)
  }
  const statuses = [...((pod.status?.containerStatuses ?? []) as ContainerStatus[]), ...((pod.status?.initContainerStatuses ?? []) as ContainerStatus[])]
  const status = statuses.find((s) => s.name === container)
  const waiting = status?.state?.waiting
  // The kubelet serves a restarting container's last run (kubelet validateContainerLogStatus: lastState before waiting).
  if (!status || (waiting && !status.lastState?.terminated)) {
    throw errors.badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${waiting?.reason ?? 'ContainerCreating'}`)
  }
  const text = cluster.runtimes.get(pod.metadata.uid!)?.logs.get(container) ?? ''
  const tail = query.get('tailLines')
  if (tail === null) return text
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const kept = Number(tail) > 0 ? lines.slice(-Number(tail)) : []
  return kept.length ? kept.join('\n') + '\n' : ''
}
