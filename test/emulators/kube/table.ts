import type {KubeObject} from './types.js'

import {SWAGGER_DOCS} from './table-docs.js'

/** Server-side printing (meta.k8s.io/v1 Table) for `kubectl get` without -o, after pkg/printers/internalversion. */

interface Column {
  name: string
  type: string
  format?: string
  description: string
  priority?: number
}
type Printer = {columns: Column[]; cells: (o: KubeObject) => unknown[]; conditions?: (o: KubeObject) => unknown[] | undefined}

// Column definitions as pkg/printers/internalversion/printers.go AddHandlers (kubernetes/kubernetes v1.32) declares
// them; the descriptions are the types' SwaggerDoc() texts (table-docs.ts) or the literals printers.go writes.
const doc = (key: string): string => SWAGGER_DOCS[key] ?? ''
const column = (n: string, description: string, type = 'string', priority = 0): Column => ({name: n, type, description, priority})
const name: Column = {name: 'Name', type: 'string', format: 'name', description: doc('meta.ObjectMeta.name')}
const age: Column = column('Age', doc('meta.ObjectMeta.creationTimestamp'))
const containersCol = column('Containers', 'Names of each container in the template.', 'string', 1)
const imagesCol = column('Images', 'Images referenced by each container in the template.', 'string', 1)

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
const bindingColumns = (kind: 'RoleBinding' | 'ClusterRoleBinding', what: string): Column[] => [
  name,
  column('Role', doc(`rbacb.${kind}.roleRef`)),
  age,
  column('Users', `Users in the ${what}`, 'string', 1),
  column('Groups', `Groups in the ${what}`, 'string', 1),
  column('ServiceAccounts', `ServiceAccounts in the ${what}`, 'string', 1),
]

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
/**
 * metav1.LabelSelectorAsSelector(...).String() (apimachinery pkg/labels/selector.go): requirements sorted by key,
 * `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */
const selector = (o: KubeObject) => {
  const sel = (o.spec?.selector ?? {}) as {matchLabels?: Record<string, string>; matchExpressions?: Array<{key: string; operator: string; values?: string[]}>}
  const reqs: Array<[string, string]> = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`])
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',')
    const text = ({In: `${e.key} in (${values})`, NotIn: `${e.key} notin (${values})`, Exists: e.key, DoesNotExist: `!${e.key}`} as Record<string, string>)[e.operator]
    if (text) reqs.push([e.key, text])
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, text]) => text)
    .join(',')
}

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
    columns: [
      name,
      column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      age,
      column('IP', doc('core.PodStatus.podIP'), 'string', 1),
      column('Node', doc('core.PodSpec.nodeName'), 'string', 1),
      column('Nominated Node', doc('core.PodStatus.nominatedNodeName'), 'string', 1),
      column('Readiness Gates', doc('core.PodSpec.readinessGates'), 'string', 1),
    ],
    // printPod: a finished pod's row carries the Completed condition (podSuccessConditions / podFailedConditions)
    conditions: (o) =>
      o.status?.phase === 'Succeeded'
        ? [{type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.'}]
        : o.status?.phase === 'Failed'
          ? [{type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.'}]
          : undefined,
    cells: (o) => {
      const {ready, status, restarts} = podCells(o)
      return [o.metadata.name, ready, status, restarts, ageOf(o), o.status?.podIP ?? '<none>', o.spec?.nodeName ?? '<none>', '<none>', '<none>']
    },
  },
  Deployment: {
    columns: [
      name,
      column('Ready', 'Number of the pod with ready state'),
      column('Up-to-date', doc('ext.DeploymentStatus.updatedReplicas')),
      column('Available', doc('ext.DeploymentStatus.availableReplicas')),
      age,
      containersCol,
      imagesCol,
      column('Selector', doc('ext.DeploymentSpec.selector'), 'string', 1),
    ],
    cells: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, ageOf(o), containerNames(o), images(o), selector(o)],
  },
  ReplicaSet: {
    columns: [
      name,
      column('Desired', doc('ext.ReplicaSetSpec.replicas'), 'integer'),
      column('Current', doc('ext.ReplicaSetStatus.replicas'), 'integer'),
      column('Ready', doc('ext.ReplicaSetStatus.readyReplicas'), 'integer'),
      age,
      containersCol,
      imagesCol,
      column('Selector', doc('ext.ReplicaSetSpec.selector'), 'string', 1),
    ],
    cells: (o) => [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, ageOf(o), containerNames(o), images(o), selector(o)],
  },
  StatefulSet: {
    columns: [name, column('Ready', 'Number of the pod with ready state'), age, containersCol, imagesCol],
    cells: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, ageOf(o), containerNames(o), images(o)],
  },
  DaemonSet: {
    columns: [
      name,
      column('Desired', doc('ext.DaemonSetStatus.desiredNumberScheduled'), 'integer'),
      column('Current', doc('ext.DaemonSetStatus.currentNumberScheduled'), 'integer'),
      column('Ready', doc('ext.DaemonSetStatus.numberReady'), 'integer'),
      column('Up-to-date', doc('ext.DaemonSetStatus.updatedNumberScheduled'), 'integer'),
      column('Available', doc('ext.DaemonSetStatus.numberAvailable'), 'integer'),
      column('Node Selector', doc('core.PodSpec.nodeSelector')),
      age,
      containersCol,
      imagesCol,
      column('Selector', doc('ext.DaemonSetSpec.selector'), 'string', 1),
    ],
    // printDaemonSet; the wide cells use metav1.FormatLabelSelector (`<none>` when empty)
    cells: (o) => [
      o.metadata.name,
      o.status?.desiredNumberScheduled ?? 0,
      o.status?.currentNumberScheduled ?? 0,
      o.status?.numberReady ?? 0,
      o.status?.updatedNumberScheduled ?? 0,
      o.status?.numberAvailable ?? 0,
      formatLabels(o.spec?.template?.spec?.nodeSelector),
      ageOf(o),
      containerNames(o),
      images(o),
      selector(o) || '<none>',
    ],
  },
  Service: {
    columns: [
      name,
      column('Type', doc('core.ServiceSpec.type')),
      column('Cluster-IP', doc('core.ServiceSpec.clusterIP')),
      column('External-IP', doc('core.ServiceSpec.externalIPs')),
      column('Port(s)', doc('core.ServiceSpec.ports')),
      age,
      column('Selector', doc('core.ServiceSpec.selector'), 'string', 1),
    ],
    cells: (o) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIP ?? '<none>',
      '<none>',
      ((o.spec?.ports ?? []) as Array<{port: number; protocol?: string}>).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
      ageOf(o),
      formatLabels(o.spec?.selector),
    ],
  },
  // printJob / printCronJob
  Job: {
    columns: [
      name,
      column('Status', 'Status of the job.'),
      column('Completions', doc('batch.JobStatus.succeeded')),
      column('Duration', 'Time required to complete the job.'),
      age,
      containersCol,
      imagesCol,
      column('Selector', doc('batch.JobSpec.selector'), 'string', 1),
    ],
    cells: (o) => [o.metadata.name, jobStatus(o), jobCompletions(o), jobDuration(o), ageOf(o), containerNames(o), images(o), selector(o)],
  },
  CronJob: {
    columns: [
      name,
      column('Schedule', doc('batchb.CronJobSpec.schedule')),
      column('Timezone', doc('batchb.CronJobSpec.timeZone')),
      column('Suspend', doc('batchb.CronJobSpec.suspend'), 'boolean'),
      column('Active', doc('batchb.CronJobStatus.active'), 'integer'),
      column('Last Schedule', doc('batchb.CronJobStatus.lastScheduleTime')),
      age,
      containersCol,
      imagesCol,
      column('Selector', doc('batch.JobSpec.selector'), 'string', 1),
    ],
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
  ServiceAccount: {columns: [name, column('Secrets', doc('core.ServiceAccount.secrets')), age], cells: (o) => [o.metadata.name, (o.secrets ?? []).length, ageOf(o)]},
  Secret: {columns: [name, column('Type', doc('core.Secret.type')), column('Data', doc('core.Secret.data')), age], cells: (o) => [o.metadata.name, o.type, Object.keys(o.data ?? {}).length, ageOf(o)]},
  // printConfigMap counts data and binaryData
  ConfigMap: {
    columns: [name, column('Data', doc('core.ConfigMap.data')), age],
    cells: (o) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, ageOf(o)],
  },
  Namespace: {columns: [name, column('Status', 'The status of the namespace'), age], cells: (o) => [o.metadata.name, o.status?.phase ?? 'Active', ageOf(o)]},
  Node: {
    columns: [
      name,
      column('Status', 'The status of the node'),
      column('Roles', 'The roles of the node'),
      age,
      column('Version', doc('core.NodeSystemInfo.kubeletVersion')),
      column('Internal-IP', doc('core.NodeStatus.addresses'), 'string', 1),
      column('External-IP', doc('core.NodeStatus.addresses'), 'string', 1),
      column('OS-Image', doc('core.NodeSystemInfo.osImage'), 'string', 1),
      column('Kernel-Version', doc('core.NodeSystemInfo.kernelVersion'), 'string', 1),
      column('Container-Runtime', doc('core.NodeSystemInfo.containerRuntimeVersion'), 'string', 1),
    ],
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
  Endpoints: {columns: [name, column('Endpoints', doc('core.Endpoints.subsets')), age], cells: (o) => [o.metadata.name, formatEndpoints(o), ageOf(o)]},
  ClusterRoleBinding: {columns: bindingColumns('ClusterRoleBinding', 'clusterRoleBinding'), cells: bindingCells},
  RoleBinding: {columns: bindingColumns('RoleBinding', 'roleBinding'), cells: bindingCells},
  // printEvent with GenerateOptions{Wide: true} (the server's TableConvertor, pkg/printers/storage/storage.go):
  // all ten cells; kubectl hides the priority-1 columns without -o wide.
  Event: {
    columns: [
      column('Last Seen', doc('core.Event.lastTimestamp')),
      column('Type', doc('core.Event.type')),
      column('Reason', doc('core.Event.reason')),
      column('Object', doc('core.Event.involvedObject')),
      column('Subobject', doc('core.ObjectReference.fieldPath'), 'string', 1),
      column('Source', doc('core.Event.source'), 'string', 1),
      column('Message', doc('core.Event.message')),
      column('First Seen', doc('core.Event.firstTimestamp'), 'string', 1),
      column('Count', doc('core.Event.count'), 'string', 1),
      {name: 'Name', type: 'string', format: 'name', description: doc('meta.ObjectMeta.name'), priority: 1},
    ],
    cells: eventCells,
  },
}

/** The default table convertor (apiserver pkg/registry/rest/table.go): Name and Created At (RFC 3339). */
const fallback: Printer = {columns: [name, column('Created At', doc('meta.ObjectMeta.creationTimestamp'), 'date')], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp]}

const since = (t: string | undefined | null) => (t ? humanDuration(Date.now() - Date.parse(t)) : '<unknown>')

/** printEvent's wide cells: timestamps fall back to eventTime, a series' last observation wins, count 0 prints 1. */
function eventCells(o: KubeObject): unknown[] {
  const first = o.firstTimestamp ? since(o.firstTimestamp) : since(o.eventTime)
  let last = o.lastTimestamp ? since(o.lastTimestamp) : first
  let count = o.count ?? 0
  if (o.series) {
    last = since(o.series.lastObservedTime)
    count = o.series.count ?? 0
  } else if (!count) count = 1
  const involved = o.involvedObject ?? {}
  const kind = String(involved.kind ?? '').toLowerCase()
  const target = involved.name ? `${kind}/${involved.name}` : kind
  // formatEventSource: component (else reportingController), then ", host" (else reportingInstance) when set
  const component = o.source?.component || o.reportingComponent || ''
  const host = o.source?.host || o.reportingInstance || ''
  const source = host ? `${component}, ${host}` : component
  return [last, o.type ?? '', o.reason ?? '', target, involved.fieldPath ?? '', source, String(o.message ?? '').trim(), first, count, o.metadata.name]
}

/** A meta.k8s.io/v1 Table; noHeaders (TableOptions.NoHeaders, set on watch events after the first) sends `columnDefinitions: null`. */
export function toTable(
  kind: string,
  objects: KubeObject[],
  resourceVersion: string,
  includeObject: string | null,
  noHeaders = false,
  page: {continue?: string; remainingItemCount?: number} = {},
) {
  const printer = printers[kind] ?? fallback
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    // GenerateTable copies the list's ListMeta: resourceVersion, continue, remainingItemCount
    metadata: {resourceVersion, ...page},
    // metav1.TableColumnDefinition's JSON: name, type, format, description, priority, none omitted
    columnDefinitions: noHeaders ? null : printer.columns.map((c) => ({name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority ?? 0})),
    // TableRow: cells, conditions (omitempty), object; includeObject=None leaves an empty RawExtension, encoded null
    // (apiserver endpoints/handlers/response.go asTable)
    rows: objects.map((o) => {
      const conditions = printer.conditions?.(o)
      return {
        cells: printer.cells(o),
        ...(conditions ? {conditions} : {}),
        object:
          includeObject === 'Object'
            ? o
            : includeObject === 'None'
              ? null
              : {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata},
      }
    }),
  }
}

/** labels.FormatLabels (printDaemonSet's NODE SELECTOR): sorted k=v joined by commas, `<none>` when empty. */
function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort()
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>'
}
