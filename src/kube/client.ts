/**
 * The one Kubernetes wrapper in vsi. Everything that talks to a cluster goes through a KubeClient:
 *
 *   const kube = await connectKube({kubeconfig, context, namespace})   // flags from kubeFlags
 *   const pods = await kube.listPods({labelSelector: 'app=orgchart'})
 *
 * - Cluster selection follows kubectl (KUBECONFIG merging, --context, -n, in-cluster): see config.ts.
 * - `namespace` arguments default to `kube.namespace` (the flag, else the context's namespace, else `default`).
 * - Every failure is a VsiError (exit 1) whose message names the verb, resource and object, with a hint;
 *   API errors are `KubeApiError` (`status`, `reason`), so callers can branch with `isNotFound`/`isAlreadyExists`.
 *   Codes: kube-config-missing, kube-unreachable, kube-tls, kube-unauthorized, kube-forbidden, kube-not-found,
 *   kube-already-exists, kube-conflict, kube-invalid, kube-server-error, kube-exec-dropped, no-ready-pods, timeout.
 * - `find*` methods return undefined when the object does not exist; `get*` methods throw kube-not-found.
 * - Each REST call is abandoned after `requestTimeoutMs` (default 30 s); `withSignal(signal)` returns a view of the
 *   client whose calls also stop when `signal` aborts (use it to bound a whole command by --timeout).
 * - @kubernetes/client-node is loaded on first use (connectKube), never at import time.
 */
import {debug} from '../output/debug.js'
import type {
  AuthenticationV1TokenRequest,
  ConfigurationOptions,
  CoreV1Event,
  V1ClusterRoleBinding,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Endpoints,
  V1MutatingWebhookConfiguration,
  V1Namespace,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ReplicaSet,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
} from '@kubernetes/client-node'

import {VsiError} from '../errors.js'
import type {KubeConfigOptions} from './config.js'
import {loadClientNode, loadKubeConfig} from './config.js'
import type {KubeOperation, KubeTarget} from './errors.js'
import {isNotFound, kubeError, statusError} from './errors.js'
import type {ExecOptions, ExecResult} from './exec.js'
import {execInPod} from './exec.js'
import type {PortForwardHandle} from './port-forward.js'
import {startPortForward} from './port-forward.js'
import {isPodReady, isTerminating} from './pod-state.js'
import type {OpenWebSocket} from './websocket.js'
import {webSocketOpener} from './websocket.js'
import type {ShareAgent} from './tls-sessions.js'
import {tlsSessionSharing} from './tls-sessions.js'
import type {WorkloadKind, WorkloadRef} from './workload.js'
import {resourceOf} from './workload.js'

export type Workload = V1Deployment | V1StatefulSet | V1DaemonSet

export interface ConnectOptions extends KubeConfigOptions {
  /** Per REST request (default 30 000). */
  requestTimeoutMs?: number
}

export interface ListOptions {
  namespace?: string
  /** List across all namespaces (ignores `namespace`). */
  allNamespaces?: boolean
  labelSelector?: string
  fieldSelector?: string
}

export interface PatchOptions {
  namespace?: string
  /** Server-side dry run: validates and returns the result without persisting it. */
  dryRun?: boolean
  /** Default `vsi`. */
  fieldManager?: string
}

export interface TokenRequestOptions {
  namespace?: string
  /** Default: the API server's own audience. */
  audiences?: string[]
  /** Default 600; the API server may shorten it. */
  expirationSeconds?: number
}

export interface ServiceAccountToken {
  token: string
  expiresAt?: Date
}

export interface PodLogOptions {
  namespace?: string
  container?: string
  tailLines?: number
  previous?: boolean
}

export interface KubeClient {
  /** The default namespace for every call that takes one. */
  readonly namespace: string
  readonly context?: string
  readonly server: string
  /** The current context's cluster CA as the kubeconfig names it: inline data (base64) or a file. */
  readonly clusterCa: {data?: string; file?: string}

  /** The same client, with every call (REST, exec, port-forward) also bounded by `signal`. */
  withSignal(signal: AbortSignal): KubeClient

  getWorkload(ref: WorkloadRef, namespace?: string): Promise<Workload>
  /** Strategic merge patch, as `kubectl patch` sends it (Content-Type application/strategic-merge-patch+json). */
  patchWorkload(ref: WorkloadRef, patch: object, options?: PatchOptions): Promise<Workload>
  listDeployments(options?: ListOptions): Promise<V1Deployment[]>
  /** A Deployment's ReplicaSets (by its selector): the new one is the one carrying its revision. */
  listReplicaSets(options?: ListOptions): Promise<V1ReplicaSet[]>

  listPods(options?: ListOptions): Promise<V1Pod[]>
  getPod(name: string, namespace?: string): Promise<V1Pod>
  podLogs(name: string, options?: PodLogOptions): Promise<string>
  /** Events, newest last; e.g. fieldSelector `involvedObject.name=orgchart-abc`. */
  listEvents(options?: ListOptions): Promise<CoreV1Event[]>

  findNamespace(name: string): Promise<V1Namespace | undefined>
  findServiceAccount(name: string, namespace?: string): Promise<V1ServiceAccount | undefined>
  /** `metadata` adds labels and annotations (e.g. who created it). */
  createServiceAccount(name: string, namespace?: string, metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}): Promise<V1ServiceAccount>
  deleteServiceAccount(name: string, namespace?: string): Promise<void>
  /** A bound token for the service account (TokenRequest API, `POST …/serviceaccounts/NAME/token`). */
  requestServiceAccountToken(serviceAccount: string, options?: TokenRequestOptions): Promise<ServiceAccountToken>
  findSecret(name: string, namespace?: string): Promise<V1Secret | undefined>
  createSecret(secret: V1Secret, namespace?: string): Promise<V1Secret>
  findConfigMap(name: string, namespace?: string): Promise<V1ConfigMap | undefined>
  listClusterRoleBindings(): Promise<V1ClusterRoleBinding[]>
  findClusterRoleBinding(name: string): Promise<V1ClusterRoleBinding | undefined>
  createClusterRoleBinding(binding: V1ClusterRoleBinding): Promise<V1ClusterRoleBinding>
  listMutatingWebhookConfigurations(labelSelector?: string): Promise<V1MutatingWebhookConfiguration[]>
  /** false when it was already gone. */
  deleteMutatingWebhookConfiguration(name: string): Promise<boolean>
  listPersistentVolumeClaims(options?: ListOptions): Promise<V1PersistentVolumeClaim[]>
  /** false when it was already gone. */
  deletePersistentVolumeClaim(name: string, namespace?: string): Promise<boolean>
  findService(name: string, namespace?: string): Promise<V1Service | undefined>
  findEndpoints(name: string, namespace?: string): Promise<V1Endpoints | undefined>

  /** `kubectl exec POD -c CONTAINER -- command…`: see exec.ts for what resolves and what rejects. */
  exec(pod: string, command: string[], options: ExecOptions & {namespace?: string}): Promise<ExecResult>
  /** `kubectl port-forward pod/POD LOCAL:REMOTE` on 127.0.0.1; close() it when done. */
  portForward(pod: string, remotePort: number, options?: {namespace?: string; localPort?: number}): Promise<PortForwardHandle>
  /**
   * `kubectl port-forward svc/NAME LOCAL:PORT`: picks a Ready pod behind the Service and forwards to the targetPort
   * of its port PORT (e.g. `portForwardService('vault', 8200)` for an in-cluster Vault). Throws kube-not-found or
   * no-ready-pods.
   */
  portForwardService(service: string, port: number, options?: {namespace?: string; localPort?: number}): Promise<PortForwardHandle>
}

type ClientNode = Awaited<ReturnType<typeof loadClientNode>>

interface Apis {
  k8s: ClientNode
  core: InstanceType<ClientNode['CoreV1Api']>
  apps: InstanceType<ClientNode['AppsV1Api']>
  rbac: InstanceType<ClientNode['RbacAuthorizationV1Api']>
  admission: InstanceType<ClientNode['AdmissionregistrationV1Api']>
  target: KubeTarget
  openWebSocket: OpenWebSocket
  /** The client's one HTTPS agent, in place of the one client-node makes per request (see tls-sessions.ts). */
  share: ShareAgent
  requestTimeoutMs: number
}

/** Loads the kubeconfig (kubectl rules) and returns a client for its current context. */
export async function connectKube(options: ConnectOptions = {}): Promise<KubeClient> {
  const loaded = await loadKubeConfig(options)
  const [k8s, share] = await Promise.all([loadClientNode(), tlsSessionSharing()])
  const {kc} = loaded
  const target: KubeTarget = {server: loaded.server, context: loaded.context}
  const apis: Apis = {
    k8s,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
    admission: kc.makeApiClient(k8s.AdmissionregistrationV1Api),
    target,
    openWebSocket: webSocketOpener(kc, target, share),
    share,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  }
  const cluster = kc.getCurrentCluster()
  return makeClient(apis, loaded.namespace, {data: cluster?.caData, file: cluster?.caFile}, undefined)
}

const MAX_THROTTLED_ATTEMPTS = 5
const MAX_RETRY_AFTER_MS = 10_000

/** The Retry-After of a 429 (seconds), capped; undefined for anything else. */
function retryAfterMs(error: unknown): number | undefined {
  const shape = error as {code?: number; headers?: Record<string, string>}
  if (shape?.code !== 429) return undefined
  const header = shape.headers?.['retry-after'] ?? shape.headers?.['Retry-After']
  const seconds = header === undefined ? Number.NaN : Number(header)
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined
}

function makeClient(apis: Apis, defaultNamespace: string, clusterCa: KubeClient['clusterCa'], signal: AbortSignal | undefined): KubeClient {
  const {k8s, core, apps, rbac, admission, target} = apis
  const ns = (namespace: string | undefined) => namespace ?? defaultNamespace

  /** client-node has no timeout option: a middleware puts an AbortSignal on each request (node-fetch honours it). */
  const callOptions = (): ConfigurationOptions => {
    const timeout = AbortSignal.timeout(apis.requestTimeoutMs)
    const requestSignal = signal ? AbortSignal.any([signal, timeout]) : timeout
    return {
      middleware: [
        {
          pre: (context) => {
            context.setSignal(requestSignal as Parameters<typeof context.setSignal>[0])
            const agent = context.getAgent()
            if (agent) context.setAgent(apis.share(agent))
            return new k8s.Observable(Promise.resolve(context))
          },
          post: (context) => new k8s.Observable(Promise.resolve(context)),
        },
      ],
      middlewareMergeStrategy: 'append',
    }
  }

  async function call<T>(op: KubeOperation, request: (options: ConfigurationOptions) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(callOptions())
      } catch (error) {
        // As client-go (rest/request.go checkWait): a 429 with Retry-After is sent again after that delay.
        const wait = retryAfterMs(error)
        if (wait === undefined || attempt >= MAX_THROTTLED_ATTEMPTS) throw kubeError(error, op, target)
        debug(`${op.verb} ${op.resource}: HTTP 429, retrying after ${wait} ms`)
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
    }
  }

  async function find<T>(op: KubeOperation, request: (options: ConfigurationOptions) => Promise<T>): Promise<T | undefined> {
    try {
      return await call(op, request)
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  const workloadOp = (verb: string, ref: WorkloadRef, namespace: string): KubeOperation => ({
    verb,
    resource: resourceOf(ref.kind),
    kind: ref.kind.toLowerCase(),
    name: ref.name,
    namespace,
  })

  const readers: Record<WorkloadKind, (p: {name: string; namespace: string}, o: ConfigurationOptions) => Promise<Workload>> = {
    Deployment: (p, o) => apps.readNamespacedDeployment(p, o),
    StatefulSet: (p, o) => apps.readNamespacedStatefulSet(p, o),
    DaemonSet: (p, o) => apps.readNamespacedDaemonSet(p, o),
  }
  type PatchParams = {name: string; namespace: string; body: object; dryRun?: string; fieldManager: string}
  const patchers: Record<WorkloadKind, (p: PatchParams, o: ConfigurationOptions) => Promise<Workload>> = {
    Deployment: (p, o) => apps.patchNamespacedDeployment(p, o),
    StatefulSet: (p, o) => apps.patchNamespacedStatefulSet(p, o),
    DaemonSet: (p, o) => apps.patchNamespacedDaemonSet(p, o),
  }

  const listOp = (resource: string, options: ListOptions): KubeOperation => ({
    verb: 'list',
    resource,
    namespace: options.allNamespaces ? undefined : ns(options.namespace),
  })
  const selectors = (options: ListOptions) => ({labelSelector: options.labelSelector, fieldSelector: options.fieldSelector})

  return {
    namespace: defaultNamespace,
    context: target.context,
    server: target.server,
    clusterCa,
    withSignal: (next) => makeClient(apis, defaultNamespace, clusterCa, signal ? AbortSignal.any([signal, next]) : next),

    getWorkload: (ref, namespace) =>
      call(workloadOp('get', ref, ns(namespace)), (o) => readers[ref.kind]({name: ref.name, namespace: ns(namespace)}, o)),
    patchWorkload: (ref, patch, options = {}) =>
      call(workloadOp('patch', ref, ns(options.namespace)), (o) =>
        patchers[ref.kind](
          {
            name: ref.name,
            namespace: ns(options.namespace),
            body: patch,
            fieldManager: options.fieldManager ?? 'vsi',
            ...(options.dryRun ? {dryRun: 'All'} : {}),
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch, o),
        ),
      ),
    listDeployments: async (options = {}) =>
      (
        await call(listOp('deployments.apps', options), (o) =>
          options.allNamespaces
            ? apps.listDeploymentForAllNamespaces(selectors(options), o)
            : apps.listNamespacedDeployment({namespace: ns(options.namespace), ...selectors(options)}, o),
        )
      ).items,

    listReplicaSets: async (options = {}) =>
      (await call(listOp('replicasets.apps', options), (o) => apps.listNamespacedReplicaSet({namespace: ns(options.namespace), ...selectors(options)}, o))).items,

    listPods: async (options = {}) =>
      (
        await call(listOp('pods', options), (o) =>
          options.allNamespaces
            ? core.listPodForAllNamespaces(selectors(options), o)
            : core.listNamespacedPod({namespace: ns(options.namespace), ...selectors(options)}, o),
        )
      ).items,
    getPod: (name, namespace) =>
      call({verb: 'get', resource: 'pods', kind: 'pod', name, namespace: ns(namespace)}, (o) =>
        core.readNamespacedPod({name, namespace: ns(namespace)}, o),
      ),
    podLogs: (name, options = {}) =>
      call({verb: 'get', resource: 'pods/log', kind: 'pod', name, namespace: ns(options.namespace)}, (o) =>
        core.readNamespacedPodLog(
          {name, namespace: ns(options.namespace), container: options.container, tailLines: options.tailLines, previous: options.previous},
          o,
        ),
      ),
    listEvents: async (options = {}) =>
      (
        await call(listOp('events', options), (o) =>
          options.allNamespaces
            ? core.listEventForAllNamespaces(selectors(options), o)
            : core.listNamespacedEvent({namespace: ns(options.namespace), ...selectors(options)}, o),
        )
      ).items,

    findNamespace: (name) => find({verb: 'get', resource: 'namespaces', kind: 'namespace', name}, (o) => core.readNamespace({name}, o)),
    findServiceAccount: (name, namespace) =>
      find({verb: 'get', resource: 'serviceaccounts', kind: 'service account', name, namespace: ns(namespace)}, (o) =>
        core.readNamespacedServiceAccount({name, namespace: ns(namespace)}, o),
      ),
    createServiceAccount: (name, namespace, metadata = {}) =>
      call({verb: 'create', resource: 'serviceaccounts', kind: 'service account', name, namespace: ns(namespace)}, (o) =>
        core.createNamespacedServiceAccount(
          {namespace: ns(namespace), body: {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace: ns(namespace), ...metadata}}},
          o,
        ),
      ),
    deleteServiceAccount: async (name, namespace) => {
      await call({verb: 'delete', resource: 'serviceaccounts', kind: 'service account', name, namespace: ns(namespace)}, (o) =>
        core.deleteNamespacedServiceAccount({name, namespace: ns(namespace)}, o),
      )
    },
    requestServiceAccountToken: async (serviceAccount, options = {}) => {
      const namespace = ns(options.namespace)
      const body: AuthenticationV1TokenRequest = {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {audiences: options.audiences ?? [], expirationSeconds: options.expirationSeconds ?? 600},
      }
      const response = await call(
        {verb: 'create', resource: 'serviceaccounts/token', kind: 'service account', name: serviceAccount, namespace},
        (o) => core.createNamespacedServiceAccountToken({name: serviceAccount, namespace, body}, o),
      )
      return {token: response.status?.token ?? '', expiresAt: response.status?.expirationTimestamp}
    },
    findSecret: (name, namespace) =>
      find({verb: 'get', resource: 'secrets', kind: 'secret', name, namespace: ns(namespace)}, (o) =>
        core.readNamespacedSecret({name, namespace: ns(namespace)}, o),
      ),
    createSecret: (secret, namespace) =>
      call({verb: 'create', resource: 'secrets', kind: 'secret', name: secret.metadata?.name, namespace: ns(namespace)}, (o) =>
        core.createNamespacedSecret({namespace: ns(namespace), body: {apiVersion: 'v1', kind: 'Secret', ...secret}}, o),
      ),
    findConfigMap: (name, namespace) =>
      find({verb: 'get', resource: 'configmaps', kind: 'config map', name, namespace: ns(namespace)}, (o) =>
        core.readNamespacedConfigMap({name, namespace: ns(namespace)}, o),
      ),
    listClusterRoleBindings: async () =>
      (await call({verb: 'list', resource: 'clusterrolebindings.rbac.authorization.k8s.io'}, (o) => rbac.listClusterRoleBinding({}, o))).items,
    findClusterRoleBinding: (name) =>
      find({verb: 'get', resource: 'clusterrolebindings.rbac.authorization.k8s.io', kind: 'cluster role binding', name}, (o) =>
        rbac.readClusterRoleBinding({name}, o),
      ),
    createClusterRoleBinding: (binding) =>
      call(
        {verb: 'create', resource: 'clusterrolebindings.rbac.authorization.k8s.io', kind: 'cluster role binding', name: binding.metadata?.name},
        (o) =>
          rbac.createClusterRoleBinding({body: {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', ...binding}}, o),
      ),
    listMutatingWebhookConfigurations: async (labelSelector) =>
      (
        await call({verb: 'list', resource: 'mutatingwebhookconfigurations.admissionregistration.k8s.io'}, (o) =>
          admission.listMutatingWebhookConfiguration({labelSelector}, o),
        )
      ).items,
    deleteMutatingWebhookConfiguration: async (name) =>
      (await find(
        {verb: 'delete', resource: 'mutatingwebhookconfigurations.admissionregistration.k8s.io', kind: 'mutating webhook configuration', name},
        (o) => admission.deleteMutatingWebhookConfiguration({name}, o),
      )) !== undefined,
    listPersistentVolumeClaims: async (options = {}) =>
      (
        await call(listOp('persistentvolumeclaims', options), (o) =>
          core.listNamespacedPersistentVolumeClaim({namespace: ns(options.namespace), ...selectors(options)}, o),
        )
      ).items,
    deletePersistentVolumeClaim: async (name, namespace) =>
      (await find({verb: 'delete', resource: 'persistentvolumeclaims', kind: 'persistent volume claim', name, namespace: ns(namespace)}, (o) =>
        core.deleteNamespacedPersistentVolumeClaim({name, namespace: ns(namespace)}, o),
      )) !== undefined,
    findService: (name, namespace) =>
      find({verb: 'get', resource: 'services', kind: 'service', name, namespace: ns(namespace)}, (o) =>
        core.readNamespacedService({name, namespace: ns(namespace)}, o),
      ),
    findEndpoints: (name, namespace) =>
      find({verb: 'get', resource: 'endpoints', kind: 'endpoints', name, namespace: ns(namespace)}, (o) =>
        core.readNamespacedEndpoints({name, namespace: ns(namespace)}, o),
      ),

    exec: (pod, command, options) => {
      const execSignal = options.signal && signal ? AbortSignal.any([options.signal, signal]) : (options.signal ?? signal)
      return execInPod(apis.openWebSocket, ns(options.namespace), pod, command, {...options, signal: execSignal})
    },
    portForward: (pod, remotePort, options = {}) =>
      startPortForward(apis.openWebSocket, ns(options.namespace), pod, remotePort, options.localPort),
    async portForwardService(service, port, options = {}) {
      const namespace = ns(options.namespace)
      const svc = await this.findService(service, namespace)
      if (!svc) throw statusError(404, undefined, {verb: 'get', resource: 'services', kind: 'service', name: service, namespace}, target)
      const {pod, targetPort} = await pickServicePod(this, svc, port, namespace)
      return startPortForward(apis.openWebSocket, namespace, pod, targetPort, options.localPort)
    },
  }
}

/** What kubectl does for `port-forward svc/…`: the first Ready pod behind the Service, and the pod port behind PORT. */
async function pickServicePod(kube: KubeClient, service: V1Service, port: number, namespace: string): Promise<{pod: string; targetPort: number}> {
  const name = service.metadata?.name ?? ''
  const selector = Object.entries(service.spec?.selector ?? {}).map(([key, value]) => `${key}=${value}`).join(',')
  const noPods = (why: string) =>
    new VsiError(`service ${namespace}/${name} ${why}`, {code: 'no-ready-pods', hint: `Check its pods: kubectl get pods -n ${namespace} -l ${selector || '<none>'}`})
  if (!selector) throw noPods('has no selector, so it has no pods to forward to')
  const pods = await kube.listPods({namespace, labelSelector: selector})
  const pod = pods.find((p) => isPodReady(p) && !isTerminating(p))
  if (!pod) throw noPods(pods.length === 0 ? `has no pods (selector ${selector})` : `has no Ready pod (selector ${selector})`)
  const servicePort = service.spec?.ports?.find((p) => p.port === port)
  const target = servicePort?.targetPort ?? port
  if (typeof target === 'number') return {pod: pod.metadata?.name ?? '', targetPort: target}
  const named = pod.spec?.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target)
  if (!named) throw noPods(`port ${port} targets the named port "${target}", which pod ${pod.metadata?.name} does not declare`)
  return {pod: pod.metadata?.name ?? '', targetPort: named.containerPort}
}
