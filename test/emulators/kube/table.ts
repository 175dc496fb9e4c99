import type {KubeObject} from './types.js'

/** Server-side printing (meta.k8s.io/v1 Table) for `kubectl get` without -o, after pkg/printers/internalversion. */

interface Column {
  name: string
  type: string
  format?: string
  priority?: number
  description?: string
}
type Printer = {columns: Column[]; cells: (o: KubeObject) => unknown[]}

const name: Column = {name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.'}
const age: Column = {name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.'}
const col = (n: string, type = 'string', priority = 0): Column => ({name: n, type, priority, description: ''})

/** duration.HumanDuration */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 0) return '0s'
  if (s < 120) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`
  if (m < 180) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`
  if (h < 48) return `${h}h`
  if (h < 192) return h % 24 ? `${Math.floor(h / 24)}d${h % 24}h` : `${Math.floor(h / 24)}d`
  return `${Math.floor(h / 24)}d`
}

const ageOf = (o: KubeObject) => (o.metadata.creationTimestamp ? humanDuration(Date.now() - Date.parse(o.metadata.creationTimestamp)) : '<unknown>')

/** The STATUS column of `kubectl get pods` (printPod). */
export function podStatus(pod: KubeObject): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending'
  const inits = (pod.status?.initContainerStatuses ?? []) as Array<{state?: Record<string, {reason?: string; exitCode?: number; signal?: number}>}>
  let initializing = false
  inits.forEach((s, i) => {
    if (initializing) return
    const t = s.state?.terminated
    if (t && t.exitCode === 0) return
    initializing = true
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`
    else if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing') reason = `Init:${s.state.waiting.reason}`
    else reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`
  })
  if (!initializing) {
    let hasRunning = false
    const statuses = [...((pod.status?.containerStatuses ?? []) as Array<{ready?: boolean; state?: Record<string, {reason?: string; exitCode?: number}>}>)].reverse()
    for (const s of statuses) {
      if (s.state?.waiting?.reason) reason = s.state.waiting.reason
      else if (s.state?.terminated?.reason) reason = s.state.terminated.reason
      else if (s.state?.terminated) reason = `ExitCode:${s.state.terminated.exitCode}`
      else if (s.state?.running && s.ready) hasRunning = true
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running'
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating'
  return reason
}

function podReady(pod: KubeObject): string {
  const statuses = (pod.status?.containerStatuses ?? []) as Array<{ready?: boolean}>
  return `${statuses.filter((s) => s.ready).length}/${(pod.spec?.containers ?? []).length}`
}

const restarts = (pod: KubeObject) => ((pod.status?.containerStatuses ?? []) as Array<{restartCount?: number}>).reduce((n, s) => n + (s.restartCount ?? 0), 0)
const containerNames = (o: KubeObject) => ((o.spec?.template?.spec?.containers ?? []) as Array<{name: string}>).map((c) => c.name).join(',')
const images = (o: KubeObject) => ((o.spec?.template?.spec?.containers ?? []) as Array<{image: string}>).map((c) => c.image).join(',')
const selector = (o: KubeObject) =>
  Object.entries((o.spec?.selector?.matchLabels ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')

const printers: Record<string, Printer> = {
  Pod: {
    columns: [name, col('Ready'), col('Status'), col('Restarts'), age, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: (o) => [o.metadata.name, podReady(o), podStatus(o), restarts(o), ageOf(o), o.status?.podIP ?? '<none>', o.spec?.nodeName ?? '<none>', '<none>', '<none>'],
  },
  Deployment: {
    columns: [name, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, ageOf(o), containerNames(o), images(o), selector(o)],
  },
  ReplicaSet: {
    columns: [name, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, ageOf(o), containerNames(o), images(o), selector(o)],
  },
  StatefulSet: {
    columns: [name, col('Ready'), age, col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, ageOf(o), containerNames(o), images(o)],
  },
  DaemonSet: {
    columns: [name, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), age],
    cells: (o) => [o.metadata.name, o.status?.desiredNumberScheduled ?? 0, o.status?.currentNumberScheduled ?? 0, o.status?.numberReady ?? 0, o.status?.updatedNumberScheduled ?? 0, o.status?.numberAvailable ?? 0, '<none>', ageOf(o)],
  },
  Service: {
    columns: [name, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), age, col('Selector', 'string', 1)],
    cells: (o) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIP ?? '<none>',
      '<none>',
      ((o.spec?.ports ?? []) as Array<{port: number; protocol?: string}>).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
      ageOf(o),
      Object.entries((o.spec?.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') || '<none>',
    ],
  },
  ServiceAccount: {columns: [name, col('Secrets', 'string'), age], cells: (o) => [o.metadata.name, (o.secrets ?? []).length, ageOf(o)]},
  Secret: {columns: [name, col('Type'), col('Data'), age], cells: (o) => [o.metadata.name, o.type, Object.keys(o.data ?? {}).length, ageOf(o)]},
  ConfigMap: {columns: [name, col('Data'), age], cells: (o) => [o.metadata.name, Object.keys(o.data ?? {}).length, ageOf(o)]},
  Namespace: {columns: [name, col('Status'), age], cells: (o) => [o.metadata.name, o.status?.phase ?? 'Active', ageOf(o)]},
  Node: {
    columns: [name, col('Status'), col('Roles'), age, col('Version')],
    cells: (o) => [o.metadata.name, 'Ready', 'control-plane', ageOf(o), o.status?.nodeInfo?.kubeletVersion ?? ''],
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells: (o) => [
      humanDuration(Date.now() - Date.parse(o.lastTimestamp ?? o.metadata.creationTimestamp)),
      o.type,
      o.reason,
      `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name}`,
      o.message,
    ],
  },
}

const fallback: Printer = {columns: [name, {name: 'Created At', type: 'date', description: 'CreationTimestamp'}], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp]}

/** A meta.k8s.io/v1 Table; noHeaders (TableOptions.NoHeaders, set on watch events after the first) sends `columnDefinitions: null`. */
export function toTable(kind: string, objects: KubeObject[], resourceVersion: string, includeObject: string | null, noHeaders = false) {
  const printer = printers[kind] ?? fallback
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {resourceVersion},
    columnDefinitions: noHeaders ? null : printer.columns.map((c) => ({priority: 0, description: '', ...c})),
    rows: objects.map((o) => ({
      cells: printer.cells(o),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? undefined
            : {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata},
    })),
  }
}
