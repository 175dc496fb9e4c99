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

type StatusState = {waiting?: {reason?: string}; running?: unknown; terminated?: {reason?: string; exitCode?: number; signal?: number; finishedAt?: string}}
type CStatus = {name: string; ready?: boolean; restartCount?: number; state?: StatusState; lastState?: {terminated?: {finishedAt?: string}}}

/**
 * READY, STATUS and RESTARTS of `kubectl get pods`, as printPod (pkg/printers/internalversion/printers.go) computes
 * them: while initializing, STATUS names the init step (Init:0/1, Init:CrashLoopBackOff, Init:Error) and RESTARTS
 * counts the init containers' restarts; RESTARTS shows "(… ago)" from the latest termination.
 */
export function podCells(pod: KubeObject): {ready: string; status: string; restarts: string} {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending'
  let restarts = 0
  let lastRestart = 0
  let readyContainers = 0
  const noteRestart = (s: CStatus) => {
    restarts += s.restartCount ?? 0
    const finished = Date.parse(s.lastState?.terminated?.finishedAt ?? '')
    if (finished > lastRestart) lastRestart = finished
  }
  const inits = (pod.status?.initContainerStatuses ?? []) as CStatus[]
  let initializing = false
  for (const [i, s] of inits.entries()) {
    noteRestart(s)
    const t = s.state?.terminated
    if (t && t.exitCode === 0) continue
    initializing = true
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`
    else if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing') reason = `Init:${s.state.waiting.reason}`
    else reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`
    break
  }
  const initialized = ((pod.status?.conditions ?? []) as Array<{type: string; status: string}>).some((c) => c.type === 'Initialized' && c.status === 'True')
  if (!initializing || initialized) {
    restarts = 0
    lastRestart = 0
    let hasRunning = false
    for (const s of [...((pod.status?.containerStatuses ?? []) as CStatus[])].reverse()) {
      noteRestart(s)
      const t = s.state?.terminated
      if (s.state?.waiting?.reason) reason = s.state.waiting.reason
      else if (t?.reason) reason = t.reason
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`
      else if (s.ready && s.state?.running) {
        hasRunning = true
        readyContainers++
      }
    }
    // hasPodReadyCondition: a Ready condition that is True
    if (reason === 'Completed' && hasRunning) reason = ((pod.status?.conditions ?? []) as Array<{type: string; status: string}>).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady'
  }
  if (pod.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(pod.status?.phase)) reason = 'Terminating'
  const restartText = restarts && lastRestart ? `${restarts} (${humanDuration(Date.now() - lastRestart)} ago)` : String(restarts)
  return {ready: `${readyContainers}/${(pod.spec?.containers ?? []).length}`, status: reason, restarts: restartText}
}

/** The STATUS column of `kubectl get pods`. */
export const podStatus = (pod: KubeObject) => podCells(pod).status

/** ENDPOINTS of `kubectl get endpoints` (formatEndpoints): ip:port for each port and address, three at most. */
function formatEndpoints(o: KubeObject): string {
  const subsets = (o.subsets ?? []) as Array<{addresses?: Array<{ip: string}>; ports?: Array<{port: number}>}>
  if (!subsets.length) return '<none>'
  const list: string[] = []
  let count = 0
  for (const ss of subsets) {
    const addresses = ss.addresses ?? []
    for (const port of ss.ports?.length ? ss.ports : [undefined]) {
      count += addresses.length
      for (const a of addresses) if (list.length < 3) list.push(port ? `${a.ip.includes(':') ? `[${a.ip}]` : a.ip}:${port.port}` : a.ip)
    }
  }
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',')
}

/** ROLE, USERS, GROUPS, SERVICEACCOUNTS of role bindings (printClusterRoleBinding / printRoleBinding). */
function bindingCells(o: KubeObject): unknown[] {
  const subjects = (o.subjects ?? []) as Array<{kind: string; name: string; namespace?: string}>
  const of = (kind: string) => subjects.filter((s) => s.kind === kind)
  return [
    o.metadata.name,
    `${o.roleRef?.kind}/${o.roleRef?.name}`,
    ageOf(o),
    of('User').map((s) => s.name).join(', '),
    of('Group').map((s) => s.name).join(', '),
    of('ServiceAccount').map((s) => `${s.namespace ?? ''}:${s.name}`).join(', '),
  ]
}
const bindingColumns = (): Column[] => [name, col('Role'), age, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)]

/** Node ROLES from node-role.kubernetes.io/<role> labels (findNodeRoles). */
function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
  return roles.length ? roles.sort().join(',') : '<none>'
}
const nodeAddress = (o: KubeObject, type: string) => ((o.status?.addresses ?? []) as Array<{type: string; address: string}>).find((a) => a.type === type)?.address ?? '<none>'

const containerNames = (o: KubeObject) => ((o.spec?.template?.spec?.containers ?? []) as Array<{name: string}>).map((c) => c.name).join(',')
const images = (o: KubeObject) => ((o.spec?.template?.spec?.containers ?? []) as Array<{image: string}>).map((c) => c.image).join(',')
const selector = (o: KubeObject) =>
  Object.entries((o.spec?.selector?.matchLabels ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')

const hasJobCondition = (o: KubeObject, type: string) => ((o.status?.conditions ?? []) as Array<{type: string; status: string}>).some((c) => c.type === type && c.status === 'True')
function jobStatus(o: KubeObject): string {
  if (hasJobCondition(o, 'Complete')) return 'Complete'
  if (hasJobCondition(o, 'Failed')) return 'Failed'
  if (o.metadata.deletionTimestamp) return 'Terminating'
  if (hasJobCondition(o, 'Suspended')) return 'Suspended'
  if (hasJobCondition(o, 'FailureTarget')) return 'FailureTarget'
  return 'Running'
}
function jobCompletions(o: KubeObject): string {
  const succeeded = o.status?.succeeded ?? 0
  if (o.spec?.completions !== undefined && o.spec.completions !== null) return `${succeeded}/${o.spec.completions}`
  const parallelism = o.spec?.parallelism ?? 0
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`
}
function jobDuration(o: KubeObject): string {
  if (!o.status?.startTime) return ''
  const end = o.status.completionTime ? Date.parse(o.status.completionTime) : Date.now()
  return humanDuration(end - Date.parse(o.status.startTime))
}

const printers: Record<string, Printer> = {
  Pod: {
    columns: [name, col('Ready'), col('Status'), col('Restarts'), age, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: (o) => {
      const {ready, status, restarts} = podCells(o)
      return [o.metadata.name, ready, status, restarts, ageOf(o), o.status?.podIP ?? '<none>', o.spec?.nodeName ?? '<none>', '<none>', '<none>']
    },
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
    cells: (o) => [o.metadata.name, o.status?.desiredNumberScheduled ?? 0, o.status?.currentNumberScheduled ?? 0, o.status?.numberReady ?? 0, o.status?.updatedNumberScheduled ?? 0, o.status?.numberAvailable ?? 0, formatLabels(o.spec?.template?.spec?.nodeSelector), ageOf(o)],
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
  // printJob / printCronJob
  Job: {
    columns: [name, col('Status'), col('Completions'), col('Duration'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => [o.metadata.name, jobStatus(o), jobCompletions(o), jobDuration(o), ageOf(o), containerNames(o), images(o), selector(o)],
  },
  CronJob: {
    columns: [name, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), age, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o) => {
      const template = {spec: o.spec?.jobTemplate?.spec} as unknown as KubeObject
      return [
        o.metadata.name,
        o.spec?.schedule,
        o.spec?.timeZone ?? '<none>',
        // printBoolPtr: True / False / <unset>
        o.spec?.suspend === undefined ? '<unset>' : o.spec.suspend ? 'True' : 'False',
        (o.status?.active ?? []).length,
        o.status?.lastScheduleTime ? humanDuration(Date.now() - Date.parse(o.status.lastScheduleTime)) : '<none>',
        ageOf(o),
        containerNames(template),
        images(template),
        selector(template) || '<none>',
      ]
    },
  },
  ServiceAccount: {columns: [name, col('Secrets', 'string'), age], cells: (o) => [o.metadata.name, (o.secrets ?? []).length, ageOf(o)]},
  Secret: {columns: [name, col('Type'), col('Data'), age], cells: (o) => [o.metadata.name, o.type, Object.keys(o.data ?? {}).length, ageOf(o)]},
  ConfigMap: {columns: [name, col('Data'), age], cells: (o) => [o.metadata.name, Object.keys(o.data ?? {}).length, ageOf(o)]},
  Namespace: {columns: [name, col('Status'), age], cells: (o) => [o.metadata.name, o.status?.phase ?? 'Active', ageOf(o)]},
  Node: {
    columns: [name, col('Status'), col('Roles'), age, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    cells: (o) => [
      o.metadata.name,
      ((o.status?.conditions ?? []) as Array<{type: string; status: string}>).find((c) => c.type === 'Ready')?.status === 'False' ? 'NotReady' : 'Ready',
      nodeRoles(o),
      ageOf(o),
      o.status?.nodeInfo?.kubeletVersion ?? '',
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      o.status?.nodeInfo?.osImage ?? '<unknown>',
      o.status?.nodeInfo?.kernelVersion ?? '<unknown>',
      o.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>',
    ],
  },
  Endpoints: {columns: [name, col('Endpoints'), age], cells: (o) => [o.metadata.name, formatEndpoints(o), ageOf(o)]},
  ClusterRoleBinding: {columns: bindingColumns(), cells: bindingCells},
  RoleBinding: {columns: bindingColumns(), cells: bindingCells},
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

/** labels.FormatLabels (printDaemonSet's NODE SELECTOR): sorted k=v joined by commas, `<none>` when empty. */
function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort()
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>'
}
