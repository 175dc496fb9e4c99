import type {ServerResponse} from 'node:http'

import type {Cluster, PodRuntime} from '../cluster.js'
import type {KubeObject} from '../types.js'

import {errors} from '../errors.js'

/** One line a container wrote, stamped by the runtime as the CRI log file stores it. */
export interface LogLine {
  ms: number
  /** RFC3339Nano, trailing zeros trimmed (time.RFC3339Nano), as `--timestamps` prints it */
  time: string
  text: string
}

/** Each container instance's log, oldest first: the last is the current one, the one before it `--previous`. */
export type ContainerLogs = LogLine[][]

let lastNanos = 0n
function stamp(): {ms: number; time: string} {
  // unique, increasing nanosecond stamps (the runtime's clock has sub-millisecond precision)
  let nanos = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)
  if (nanos <= lastNanos) nanos = lastNanos + 1n
  lastNanos = nanos
  const ms = Number(nanos / 1_000_000n)
  const fraction = String(nanos % 1_000_000_000n).padStart(9, '0').replace(/0+$/, '')
  return {ms, time: `${new Date(ms).toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`}
}

export function appendLogText(rt: PodRuntime, container: string, text: string): void {
  const runs = rt.logs.get(container) ?? [[]]
  rt.logs.set(container, runs)
  const current = runs[runs.length - 1]
  const parts = text.split(/(?<=\n)/)
  for (const part of parts) {
    const last = current[current.length - 1]
    if (last && !last.text.endsWith('\n')) last.text += part
    else if (part) current.push({...stamp(), text: part})
  }
  for (const listener of rt.logListeners) listener(container)
}

/** The kubelet started a new instance of the container (a restart): its log starts empty. */
export function startLogRun(rt: PodRuntime, container: string): void {
  const runs = rt.logs.get(container) ?? []
  runs.push([])
  rt.logs.set(container, runs)
}

type ContainerStatus = {
  name: string
  containerID?: string
  state?: {waiting?: {reason?: string}; running?: unknown; terminated?: {containerID?: string}}
  lastState?: {terminated?: {containerID?: string}}
}

/**
 * Picks the container an exec or log request addresses, with the API server's errors (pkg/registry/core/pod/strategy.go
 * validateContainer): with no container named, a pod with one container uses it, one with several lists every
 * container podutil.VisitContainers visits (init containers, containers, ephemeral containers) as Go prints a []string.
 */
export function selectContainer(pod: KubeObject, requested: string | null): string {
  const containers = (pod.spec.containers as Array<{name: string}>).map((c) => c.name)
  const inits = ((pod.spec.initContainers ?? []) as Array<{name: string}>).map((c) => c.name)
  const ephemeral = ((pod.spec.ephemeralContainers ?? []) as Array<{name: string}>).map((c) => c.name)
  if (!requested) {
    if (containers.length === 1) return containers[0]
    if (!containers.length) throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name}`)
    throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${[...inits, ...containers, ...ephemeral].join(' ')}]`)
  }
  if (![...inits, ...containers, ...ephemeral].includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`)
  return requested
}

/**
 * Which instance's log to serve, or the kubelet's refusal: kubelet_pods.go validateContainerLogStatus (previous needs
 * a terminated last state; a running or terminated container serves its own; a waiting one explains why).
 */
function instanceToServe(pod: KubeObject, container: string, previous: boolean): 'current' | 'previous' {
  const name = pod.metadata.name
  const statuses = [...((pod.status?.containerStatuses ?? []) as ContainerStatus[]), ...((pod.status?.initContainerStatuses ?? []) as ContainerStatus[])]
  const status = statuses.find((s) => s.name === container)
  if (!status) throw errors.badRequest(`container "${container}" in pod "${name}" is not available`)
  const last = status.lastState?.terminated
  const {waiting, running, terminated} = status.state ?? {}
  if (previous) {
    if (!last?.containerID) throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`)
    return 'previous'
  }
  if (running) return 'current'
  if (terminated) {
    if (terminated.containerID) return 'current'
    if (last?.containerID) return 'previous'
    throw errors.badRequest(`container "${container}" in pod "${name}" is terminated`)
  }
  if (last) {
    if (!last.containerID) throw errors.badRequest(`container "${container}" in pod "${name}" is terminated`)
    return 'previous'
  }
  if (waiting) {
    if (waiting.reason === 'ErrImagePull') throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: image can't be pulled`)
    if (waiting.reason === 'ImagePullBackOff') throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image`)
    throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting.reason}`)
  }
  throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start - no logs yet`)
}

interface LogOptions {
  timestamps: boolean
  sinceMs?: number
  tailLines?: number
  limitBytes?: number
  follow: boolean
}

function logOptions(query: URLSearchParams): LogOptions {
  const num = (k: string) => (query.get(k) === null ? undefined : Number(query.get(k)))
  const sinceSeconds = num('sinceSeconds')
  const sinceTime = query.get('sinceTime')
  return {
    timestamps: query.get('timestamps') === 'true',
    sinceMs: sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined,
    tailLines: num('tailLines'),
    limitBytes: num('limitBytes'),
    follow: query.get('follow') === 'true',
  }
}

/**
 * The `log` subresource (pkg/registry/core/pod/rest/log.go → the kubelet's pkg/kubelet/kuberuntime/logs/logs.go
 * ReadLogs): tail first, then lines before `since` dropped, `timestamps` prefixes each line with its RFC3339Nano time,
 * `limitBytes` cuts the output; `follow` keeps streaming until the container stops or the client leaves.
 */
export function servePodLog(cluster: Cluster, pod: KubeObject, query: URLSearchParams, res: ServerResponse, onStatus: (status: number) => void): void {
  const container = selectContainer(pod, query.get('container'))
  if (!pod.spec.nodeName) {
    // LogLocation gives no location for an unscheduled pod; the stream handler answers 204 No Content
    // (apiserver endpoints/handlers/responsewriters/writers.go StreamObject: no output)
    onStatus(204)
    res.writeHead(204, {'Cache-Control': 'no-cache, private'})
    return void res.end()
  }
  const which = instanceToServe(pod, container, query.get('previous') === 'true')
  const opts = logOptions(query)
  const rt = cluster.runtimes.get(pod.metadata.uid!)
  const runs = rt?.logs.get(container) ?? [[]]
  // the previous instance is the one before the current, or the last one while no new instance has started yet
  const previousIndex = hasCurrentInstance(pod, container) ? runs.length - 2 : runs.length - 1
  const lines = (which === 'previous' ? runs[previousIndex] : runs[runs.length - 1]) ?? []
  const current = () => {
    const r = rt?.logs.get(container) ?? [[]]
    return r[r.length - 1]
  }
  let budget = opts.limitBytes ?? Infinity
  const render = (l: LogLine) => (opts.timestamps ? `${l.time} ${l.text}` : l.text)
  const out: string[] = []
  const emit = (l: LogLine): boolean => {
    if (opts.sinceMs !== undefined && l.ms < opts.sinceMs) return true
    const text = Buffer.from(render(l))
    if (text.length >= budget) {
      out.push(text.subarray(0, budget).toString())
      budget = 0
      return false
    }
    budget -= text.length
    out.push(text.toString())
    return true
  }
  const start = opts.tailLines === undefined ? 0 : Math.max(lines.length - opts.tailLines, 0)
  let open = true
  for (const l of lines.slice(start)) if (!(open = emit(l))) break
  onStatus(200)
  res.writeHead(200, {'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private'})
  res.write(out.join(''))
  if (!opts.follow || !open || which === 'previous' || !rt || !isRunning(pod, container)) return void res.end()
  let sent = lines.length
  const onAppend = (name: string) => {
    if (name !== container) return
    const live = current()
    const fresh = live.slice(sent)
    sent = live.length
    out.length = 0
    let more = true
    for (const l of fresh) if (!(more = emit(l))) break
    res.write(out.join(''))
    if (!more) stop()
  }
  const unsubscribe = cluster.store.subscribe((e) => {
    if (e.resource.kind !== 'Pod' || e.object.metadata.uid !== pod.metadata.uid) return
    if (e.type === 'DELETED' || !isRunning(e.object, container)) stop()
  })
  const stop = () => {
    rt.logListeners.delete(onAppend)
    unsubscribe()
    res.end()
  }
  rt.logListeners.add(onAppend)
  res.on('close', stop)
}

function hasCurrentInstance(pod: KubeObject, container: string): boolean {
  const statuses = [...((pod.status?.containerStatuses ?? []) as ContainerStatus[]), ...((pod.status?.initContainerStatuses ?? []) as ContainerStatus[])]
  const state = statuses.find((s) => s.name === container)?.state
  return Boolean(state?.running || state?.terminated?.containerID)
}

function isRunning(pod: KubeObject, container: string): boolean {
  const statuses = [...((pod.status?.containerStatuses ?? []) as ContainerStatus[]), ...((pod.status?.initContainerStatuses ?? []) as ContainerStatus[])]
  return Boolean(statuses.find((s) => s.name === container)?.state?.running)
}
