import type {AgentOutcome} from './injector/agent.js'
import type {KubeObject, PodSpec} from './types.js'

import {createSigningKey} from '../jwt.js'
import {VAULT_IMAGE} from '../versions.js'
import {TokenAuthority} from './auth.js'
import {prepareJob, validateBatch} from './batch.js'
import {applyDefaults} from './defaults.js'
import {errors} from './errors.js'
import {injectPod} from './injector/inject.js'
import {Authorizer} from './rbac.js'
import {resolveType, type ResourceType} from './resources.js'
import {PodFilesystem} from './runtime/filesystem.js'
import {appendLogText, type ContainerLogs} from './runtime/logs.js'
import {matchesSelectorObject, type LabelSelectorObject} from './selectors.js'
import {ObjectStore, randomSuffix} from './store.js'
import {validateMetadata, validateName, validatePodSpec, type Cause} from './validation.js'
import {WorkQueue} from './work-queue.js'

/** Renders a consul-template text; `secret(path)` returns the Vault secret as consul-template sees it ({Data, LeaseID, …}). */
/**
 * Renders one template stanza of the Agent config: its text, the secrets it reads, and the stanza's
 * left_delimiter / right_delimiter / error_on_missing_key (consul-template's template options).
 */
export type RenderFn = (template: string, secret: (path: string) => unknown, options: {leftDelim: string; rightDelim: string; errorOnMissingKey: boolean}) => string

export interface ClusterOptions {
  caPem: string
  adminToken: string
  vault?: {url: string}
  render?: RenderFn
}

/** One emulated Vault Agent container: its runs so far and how the last one ended. */
export interface AgentState {
  attempt: number
  running: boolean
  outcome?: AgentOutcome
  restarts: number
  lastFinishedAt?: string
}

/** What the kubelet knows about a running pod that the API object does not hold. */
export interface PodRuntime {
  fs: PodFilesystem
  /** per container, each instance's log lines (runtime/logs.ts) */
  logs: Map<string, ContainerLogs>
  /** called with the container name whenever it writes to its log (kubectl logs -f) */
  logListeners: Set<(container: string) => void>
  /** started containers: id and start time, stable across status writes */
  containers: Map<string, {id: string; startedAt: string; finishedAt?: string; exitCode?: number; restarts?: number; lastFinishedAt?: string; running?: boolean; server?: boolean}>
  agents: Map<string, AgentState>
  volumesWritten: boolean
}

export const INJECTOR_WEBHOOK = 'vault.hashicorp.com'
export const NODE_NAME = 'minikube'
export const NODE_IP = '192.168.49.2'

/**
 * The time an event is made, in nanoseconds since the epoch, as its name carries it (client-go tools/record/event.go
 * makeEvent: `fmt.Sprintf("%v.%x", ref.Name, t.UnixNano())`). Strictly increasing in the process, so that two events
 * about one object never get one name: with milliseconds and a short random suffix they sometimes did, the kubelet's
 * reconcile of the pod then failed on "exists" and left it Pending.
 */
let lastEventNanos = 0n
function eventNanos(): bigint {
  const now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)
  lastEventNanos = now > lastEventNanos ? now : lastEventNanos + 1n
  return lastEventNanos
}

/**
 * The emulated control plane: store, authentication, authorization, admission (defaults, validation, service
 * accounts, the injector webhook) and the per-pod runtime the kubelet and exec use. Controllers hang off it.
 */
export class Cluster {
  readonly store = new ObjectStore()
  readonly queue = new WorkQueue()
  readonly authz = new Authorizer(this.store)
  readonly tokens: TokenAuthority
  readonly runtimes = new Map<string, PodRuntime>()
  /** the controllers' clock (CronJob schedules); tests may set it to move time on */
  now: () => number = Date.now
  /** test switch: when false the injector pods are not ready and the webhook cannot be called */
  injectorReady = true
  private nextPodIp = 10
  private nextServiceIp = 100
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(readonly options: ClusterOptions) {
    this.tokens = new TokenAuthority(this.store, createSigningKey(), options.adminToken)
  }

  /**
   * Create through admission, as a POST would. With dryRun (dryRun=All) everything runs — defaulting, admission
   * including webhooks with sideEffects None, validation, the AlreadyExists check — and the object that would be
   * stored is returned without being stored (registry/generic/registry/dryrun.go).
   */
  create(input: KubeObject, namespace?: string, opts: {dryRun?: boolean} = {}): KubeObject {
    const type = resolveType(`${input.apiVersion}/${input.kind}`)
    const obj = structuredClone(input)
    obj.metadata ??= {name: ''}
    if (type.namespaced) obj.metadata.namespace = namespace ?? obj.metadata.namespace ?? 'default'
    const ns = obj.metadata.namespace
    if (type.namespaced && !this.store.get('namespaces', undefined, ns!)) throw errors.notFound(resolveType('namespaces'), ns!)
    delete obj.metadata.resourceVersion
    delete obj.metadata.uid
    delete obj.metadata.creationTimestamp
    applyDefaults(obj)
    this.admit(type, obj)
    this.validate(type, obj)
    if (obj.metadata.name && this.store.get(type, ns, obj.metadata.name)) throw errors.alreadyExists(type, obj.metadata.name)
    if (opts.dryRun) return this.store.preview(type, obj)
    return this.store.create(type, obj)
  }

  /** Replace through validation, keeping what the registry strategy keeps (status on the main resource, spec on /status). */
  update(type: ResourceType, input: KubeObject, subresource?: string, opts: {dryRun?: boolean} = {}): KubeObject {
    const current = this.store.get(type, input.metadata.namespace, input.metadata.name)
    if (!current) throw errors.notFound(type, input.metadata.name)
    const rv = input.metadata.resourceVersion
    if (rv && rv !== current.metadata.resourceVersion) throw errors.conflict(type, input.metadata.name)
    let obj = structuredClone(input)
    const hasStatus = type.subresources?.some((s) => s.name === 'status')
    if (subresource === 'status') obj = {...current, status: obj.status}
    else if (hasStatus) {
      if (current.status === undefined) delete obj.status
      else obj.status = current.status
    }
    obj.metadata = {...obj.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp}
    if (current.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = current.metadata.deletionTimestamp
    applyDefaults(obj)
    if (type.kind === 'Pod' && subresource !== 'status') this.checkPodUpdate(current, obj)
    this.validate(type, obj)
    // pkg/registry/apps/deployment/strategy.go PrepareForUpdate: annotation changes bump a Deployment's generation too,
    // since they are copied to its ReplicaSets (the status subresource's strategy never bumps it)
    const bumpGeneration = type.kind === 'Deployment' && type.group === 'apps' && subresource !== 'status' && !sameMap(current.metadata.annotations, obj.metadata.annotations)
    if (opts.dryRun) {
      // a dry run goes through PrepareForUpdate too: the answer shows the generation the write would store
      const {metadata: _m, status: _s, apiVersion: _a, kind: _k, ...spec} = obj
      const {metadata: _cm, status: _cs, apiVersion: _ca, kind: _ck, ...currentSpec} = current
      const changed = bumpGeneration || JSON.stringify(spec) !== JSON.stringify(currentSpec)
      const generation = current.metadata.generation === undefined ? undefined : current.metadata.generation + (changed && subresource !== 'status' ? 1 : 0)
      return {...obj, metadata: {...obj.metadata, ...(generation === undefined ? {} : {generation}), resourceVersion: current.metadata.resourceVersion}}
    }
    return this.store.update(type, obj, {bumpGeneration})
  }

  /** The kubelet's and controllers' status writes: no validation, no conflicts. */
  writeStatus(obj: KubeObject, status: unknown): void {
    const current = this.store.get(`${obj.apiVersion}/${obj.kind}`, obj.metadata.namespace, obj.metadata.name)
    if (!current || JSON.stringify(current.status) === JSON.stringify(status)) return
    this.store.update(undefined, {...current, status})
  }

  runtime(namespace: string, podName: string): PodRuntime {
    const pod = this.store.get('pods', namespace, podName)
    if (!pod) throw new Error(`kube emulator: no pod ${namespace}/${podName}`)
    let rt = this.runtimes.get(pod.metadata.uid!)
    if (!rt) {
      rt = {
        fs: new PodFilesystem(pod.spec as PodSpec, pod.metadata.name, namespace),
        logs: new Map(),
        logListeners: new Set(),
        containers: new Map(),
        agents: new Map(),
        volumesWritten: false,
      }
      this.runtimes.set(pod.metadata.uid!, rt)
    }
    return rt
  }

  appendLog(rt: PodRuntime, container: string, text: string): void {
    appendLogText(rt, container, text)
  }

  allocatePodIp(): string {
    return `10.244.0.${this.nextPodIp++}`
  }

  /** A real-time delay (agent back-off, progress deadlines); cleared on stop and never keeping the process alive. */
  after(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      work()
    }, ms)
    timer.unref()
    this.timers.add(timer)
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.queue.stop()
  }

  /**
   * Records an Event as a controller's EventRecorder would (counting repeats). The kubelet names the container in
   * involvedObject.fieldPath (`spec.containers{name}`, pkg/kubelet/container/ref.go) and its node in source.host.
   */
  event(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, fieldPath?: string): void {
    const ns = involved.metadata.namespace ?? 'default'
    const existing = this.store
      .list('events', ns)
      .find((e) => e.involvedObject.uid === involved.metadata.uid && e.involvedObject.fieldPath === fieldPath && e.reason === reason && e.message === message)
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    if (existing) {
      this.store.update('events', {...existing, count: (existing.count ?? 1) + 1, lastTimestamp: now})
      return
    }
    this.store.create('events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {name: `${involved.metadata.name}.${eventNanos().toString(16)}`, namespace: ns},
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        namespace: ns,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
        ...(fieldPath ? {fieldPath} : {}),
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: component === 'kubelet' ? {component, host: NODE_NAME} : {component},
      reportingComponent: component,
      reportingInstance: '',
    })
  }

  private admit(type: ResourceType, obj: KubeObject): void {
    if (type.kind === 'Service' && obj.spec.clusterIP !== 'None') {
      obj.spec.clusterIP ??= `10.96.${Math.floor(this.nextServiceIp / 250)}.${this.nextServiceIp++ % 250}`
      obj.spec.clusterIPs ??= [obj.spec.clusterIP]
    }
    if (type.kind === 'Job') prepareJob(obj)
    if (type.kind !== 'Pod') return
    const ns = obj.metadata.namespace!
    // plugin/pkg/admission/serviceaccount/admission.go: a mirror pod (the kubelet's copy of a static pod) gets no account
    if (!obj.metadata.annotations?.['kubernetes.io/config.mirror']) this.admitServiceAccount(obj, ns)
    this.callWebhooks(obj, ns)
  }

  /** The ServiceAccount admission plugin: the account must exist; mount its token volume unless opted out. */
  private admitServiceAccount(pod: KubeObject, ns: string): void {
    const spec = pod.spec as PodSpec
    const saName = spec.serviceAccountName || spec.serviceAccount || 'default'
    spec.serviceAccountName = saName
    spec.serviceAccount = saName
    const sa = this.store.get('serviceaccounts', ns, saName)
    if (!sa) {
      throw errors.forbidden(resolveType('pods'), pod.metadata.name || pod.metadata.generateName, `error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`)
    }
    spec.tolerations = [
      ...((spec.tolerations as unknown[] | undefined) ?? []),
      {key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300},
      {key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300},
    ]
    if (spec.automountServiceAccountToken === false || (spec.automountServiceAccountToken === undefined && sa.automountServiceAccountToken === false)) return
    const volumeName = `kube-api-access-${randomSuffix()}`
    spec.volumes = [
      ...(spec.volumes ?? []),
      {
        name: volumeName,
        projected: {
          defaultMode: 420,
          sources: [
            {serviceAccountToken: {expirationSeconds: 3607, path: 'token'}},
            {configMap: {name: 'kube-root-ca.crt', items: [{key: 'ca.crt', path: 'ca.crt'}]}},
            {downwardAPI: {items: [{path: 'namespace', fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}}]}},
          ],
        },
      },
    ]
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      if ((c.volumeMounts ?? []).some((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')) continue
      c.volumeMounts = [...(c.volumeMounts ?? []), {name: volumeName, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount'}]
    }
  }

  /** MutatingAdmissionWebhook for pod CREATE; only the Vault injector answers, any other webhook is unreachable. */
  private callWebhooks(pod: KubeObject, ns: string): void {
    const namespace = this.store.get('namespaces', undefined, ns)
    for (const config of this.store.list('mutatingwebhookconfigurations')) {
      for (const hook of (config.webhooks ?? []) as WebhookSpec[]) {
        if (!webhookMatches(hook, pod, namespace)) continue
        const unreachable = this.webhookUnreachable(hook)
        if (unreachable) {
          if (hook.failurePolicy === 'Ignore') continue
          throw errors.internal(`failed calling webhook "${hook.name}": ${unreachable}`)
        }
        const result = injectPod(pod, ns, this.injectorDefaults())
        if ('denied' in result) throw errors.webhookDenied(hook.name, result.denied)
        if ('pod' in result) {
          Object.assign(pod, result.pod)
          // mutating/dispatcher.go: the patched object is decoded again, so what the webhook added is defaulted
          applyDefaults(pod)
        }
      }
    }
  }

  private webhookUnreachable(hook: WebhookSpec): string | undefined {
    const svc = hook.clientConfig?.service
    const url = svc ? `https://${svc.name}.${svc.namespace}.svc:${svc.port ?? 443}${svc.path ?? ''}?timeout=${hook.timeoutSeconds ?? 10}s` : (hook.clientConfig?.url ?? '')
    const post = `failed to call webhook: Post "${url}"`
    if (hook.name !== INJECTOR_WEBHOOK || !svc) return `${post}: dial tcp: connect: connection refused`
    if (!this.store.get('services', svc.namespace, svc.name)) return `${post}: service "${svc.name}" not found`
    const endpoints = this.store.get('endpoints', svc.namespace, svc.name)
    const ready = ((endpoints?.subsets ?? []) as Array<{addresses?: unknown[]}>).some((s) => s.addresses?.length)
    if (!ready || !this.injectorReady) return `${post}: no endpoints available for service "${svc.name}"`
    // No caBundle: the API server verifies the injector's self-signed certificate against the system roots and fails
    // (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/util/webhook; Go crypto/tls's "tls: failed to verify
    // certificate: x509: certificate signed by unknown authority").
    if (!hook.clientConfig?.caBundle) return `${post}: tls: failed to verify certificate: x509: certificate signed by unknown authority`
    return undefined
  }

  /** The injector's flags, read from its Deployment's env as the chart sets them. */
  private injectorDefaults(): {vaultAddress: string; authPath: string; image: string; env: Record<string, string>} {
    const deploy = this.store.list('deployments').find((d) => d.metadata.labels?.['app.kubernetes.io/name'] === 'vault-agent-injector')
    const env = (deploy?.spec?.template?.spec?.containers?.[0]?.env ?? []) as Array<{name: string; value?: string}>
    const get = (name: string) => env.find((e) => e.name === name)?.value
    return {
      vaultAddress: get('AGENT_INJECT_VAULT_ADDR') ?? 'http://vault.default.svc:8200',
      authPath: get('AGENT_INJECT_VAULT_AUTH_PATH') ?? 'auth/kubernetes',
      image: get('AGENT_INJECT_VAULT_IMAGE') ?? VAULT_IMAGE,
      env: Object.fromEntries(env.flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]]))),
    }
  }

  private checkPodUpdate(current: KubeObject, next: KubeObject): void {
    const strip = (spec: PodSpec) =>
      JSON.stringify({...spec, containers: spec.containers.map((c) => ({...c, image: undefined})), initContainers: spec.initContainers?.map((c) => ({...c, image: undefined})), activeDeadlineSeconds: undefined, tolerations: undefined})
    if (strip(current.spec as PodSpec) !== strip(next.spec as PodSpec)) {
      const detail =
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'
      throw errors.invalid(resolveType('pods'), next.metadata.name, [{reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field: 'spec'}])
    }
  }

  private validate(type: ResourceType, obj: KubeObject): void {
    // RBAC objects only need path-segment names (system:auth-delegator)
    const names = type.group === 'rbac.authorization.k8s.io' ? [] : validateName(obj, ['Namespace', 'Service'].includes(type.kind))
    const causes: Cause[] = [...names, ...validateMetadata(obj.metadata, 'metadata.', 'metadata.annotations')]
    const template = obj.spec?.template
    if (type.group === 'batch') causes.push(...validateBatch(obj))
    if (type.kind === 'Pod') causes.push(...validatePodSpec(obj.spec, 'spec'))
    if (template && ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(type.kind)) {
      const selector = obj.spec.selector as LabelSelectorObject | undefined
      if (!selector || (!selector.matchLabels && !selector.matchExpressions)) causes.push({reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector'})
      else if (!matchesSelectorObject(template.metadata?.labels, selector)) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${goMap(template.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\``,
          field: 'spec.template.metadata.labels',
        })
      }
      causes.push(...validateMetadata(template.metadata ?? {}, 'spec.template.metadata.', 'spec.template.annotations'))
      causes.push(...validatePodSpec(template.spec, 'spec.template.spec'))
    }
    if (causes.length) throw errors.invalid(type, obj.metadata.name || obj.metadata.generateName || '', causes)
  }
}

interface WebhookSpec {
  name: string
  failurePolicy?: string
  timeoutSeconds?: number
  rules?: Array<{operations?: string[]; apiGroups?: string[]; apiVersions?: string[]; resources?: string[]}>
  namespaceSelector?: LabelSelectorObject
  objectSelector?: LabelSelectorObject
  clientConfig?: {url?: string; caBundle?: string; service?: {name: string; namespace: string; path?: string; port?: number}}
}

function webhookMatches(hook: WebhookSpec, pod: KubeObject, namespace: KubeObject | undefined): boolean {
  const any = (list: string[] | undefined, v: string) => (list ?? []).some((x) => x === '*' || x === v)
  const ruleMatches = (hook.rules ?? []).some((r) => any(r.operations, 'CREATE') && any(r.apiGroups, '') && any(r.apiVersions, 'v1') && any(r.resources, 'pods'))
  return ruleMatches && matchesSelectorObject(pod.metadata.labels, hook.objectSelector) && matchesSelectorObject(namespace?.metadata.labels, hook.namespaceSelector)
}

/** Go's %#v of a map[string]string, as validation messages print label maps. */
function goMap(m: Record<string, string>): string {
  return `map[string]string{${Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(', ')}}`
}

/** apiequality.Semantic.DeepEqual of two string maps: nil and empty are equal, order does not matter. */
function sameMap(a: Record<string, string> | undefined | null, b: Record<string, string> | undefined | null): boolean {
  const ea = Object.entries(a ?? {})
  return ea.length === Object.keys(b ?? {}).length && ea.every(([k, v]) => (b ?? {})[k] === v)
}
