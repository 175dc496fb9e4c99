import {randomBytes} from 'node:crypto'

import type {Cluster, PodRuntime} from '../cluster.js'
import type {Container, KubeObject, PodSpec} from '../types.js'

import {ISSUER} from '../auth.js'
import {NODE_IP, NODE_NAME} from '../cluster.js'
import {runAgent} from '../injector/agent.js'
import {startLogRun} from '../runtime/logs.js'
import {containerEnv} from '../runtime/container-env.js'
import {runArgv} from '../runtime/shell.js'
import {crashLoopStatus, crashLooping, markUnschedulable, unschedulableMessage} from './faults.js'
import {now, setCondition, type Condition} from './util.js'

/**
 * Test conventions for images: `…:never-ready` runs but never passes readiness; an image whose name contains
 * `no-such-image` cannot be pulled (ErrImagePull, then ImagePullBackOff).
 */
export const neverReady = (image = '') => image.endsWith(':never-ready')
const unpullable = (image = '') => image.includes('no-such-image')

const isAgent = (c: Container) => (c.env ?? []).some((e) => e.name === 'VAULT_CONFIG')
const INJECTOR_LABEL = 'app.kubernetes.io/name'

type State = Record<string, unknown>
interface ContainerStatus {
  name: string
  state: State
  lastState: State
  ready: boolean
  restartCount: number
  image: string
  imageID: string
  containerID?: string
  started: boolean
}

/**
 * The scheduler and kubelet for the single node: bind, write projected volumes, run init containers in order
 * (the Vault Agent for real), start containers and keep pod status the way kubectl prints it.
 */
export function reconcilePod(cluster: Cluster, namespace: string, name: string): void {
  const pod = cluster.store.get('pods', namespace, name)
  if (!pod || pod.metadata.deletionTimestamp) return
  // only minikube's kubelet runs here: a pod bound to another node keeps whatever status it was given
  if (pod.spec.nodeName && pod.spec.nodeName !== NODE_NAME) return
  if (!pod.spec.nodeName) {
    const unschedulable = unschedulableMessage(cluster, pod)
    if (unschedulable) return markUnschedulable(cluster, pod, unschedulable)
    cluster.store.update('pods', {...pod, spec: {...pod.spec, nodeName: NODE_NAME}})
    cluster.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${NODE_NAME}`, 'default-scheduler')
    return
  }
  const rt = cluster.runtime(namespace, name)
  if (!rt.volumesWritten) writeProjectedVolumes(cluster, pod, rt)
  const spec = pod.spec as PodSpec
  const initStatuses: ContainerStatus[] = []
  let initialized = true
  for (const c of spec.initContainers ?? []) {
    if (!initialized) {
      initStatuses.push(status(c, {waiting: {reason: 'PodInitializing'}}, false))
      continue
    }
    const s = runInit(cluster, pod, c, rt)
    initStatuses.push(s)
    if (!s.state.terminated || (s.state.terminated as {exitCode: number}).exitCode !== 0) initialized = false
  }
  const containerStatuses = spec.containers.map((c) => (initialized ? runContainer(cluster, pod, c, rt) : status(c, {waiting: {reason: 'PodInitializing'}}, false)))
  // getPhase: a container that has exited (or is restarting after exiting) keeps the pod Running
  const running = containerStatuses.some((s) => s.state.running || s.state.terminated || s.lastState.terminated)
  const finished = initialized && containerStatuses.every((s) => s.state.terminated)
  const allReady = containerStatuses.every((s) => s.ready)
  const notReady = containerStatuses.filter((s) => !s.ready).map((s) => s.name)
  const t = pod.status?.startTime ?? now()
  let conditions = (pod.status?.conditions ?? []) as Condition[]
  const set = (type: string, ok: boolean, reason?: string, message?: string) => {
    conditions = setCondition(conditions, {type, status: ok ? 'True' : 'False', ...(ok ? {} : {reason, message}), lastProbeTime: null})
  }
  set('PodReadyToStartContainers', true)
  const pendingInit = initStatuses.filter((s) => !s.state.terminated || (s.state.terminated as {exitCode: number}).exitCode !== 0).map((s) => s.name)
  set('Initialized', initialized, 'ContainersNotInitialized', `containers with incomplete status: [${pendingInit.join(' ')}]`)
  set('Ready', initialized && allReady, initialized ? 'ContainersNotReady' : 'ContainersNotInitialized', initialized ? `containers with unready status: [${notReady.join(' ')}]` : `containers with incomplete status: [${pendingInit.join(' ')}]`)
  set('ContainersReady', initialized && allReady, initialized ? 'ContainersNotReady' : 'ContainersNotInitialized', initialized ? `containers with unready status: [${notReady.join(' ')}]` : `containers with incomplete status: [${pendingInit.join(' ')}]`)
  set('PodScheduled', true)
  // status_manager.go / kubelet_pods.go: a finished pod's Ready, ContainersReady and Initialized say PodCompleted
  if (finished) {
    for (const [type, ok] of [['PodReadyToStartContainers', false], ['Initialized', true], ['Ready', false], ['ContainersReady', false]] as const) {
      conditions = setCondition(conditions, {type, status: ok ? 'True' : 'False', ...(type === 'PodReadyToStartContainers' ? {} : {reason: 'PodCompleted'}), lastProbeTime: null})
    }
  }
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']
  conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type))
  // a hostNetwork pod has the node's address (kubelet_pods.go generateAPIPodStatus)
  const podIP = pod.status?.podIP ?? (pod.spec.hostNetwork ? NODE_IP : cluster.allocatePodIp())
  cluster.writeStatus(pod, {
    phase: finished ? finishedPhase(containerStatuses) : initialized && running ? 'Running' : 'Pending',
    conditions,
    hostIP: NODE_IP,
    hostIPs: [{ip: NODE_IP}],
    podIP,
    podIPs: [{ip: podIP}],
    startTime: t,
    ...(initStatuses.length ? {initContainerStatuses: initStatuses} : {}),
    containerStatuses,
    qosClass: spec.containers.some((c) => Object.keys((c.resources as {requests?: object} | undefined)?.requests ?? {}).length) ? 'Burstable' : 'BestEffort',
  })
}

function status(c: Container, state: State, ready: boolean, rt?: PodRuntime, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  const started = rt?.containers.get(c.name)
  return {
    name: c.name,
    state,
    lastState: {},
    ready,
    restartCount: 0,
    image: c.image ?? '',
    imageID: started ? `docker-pullable://${c.image}@sha256:${started.id.slice(0, 64)}` : '',
    ...(started ? {containerID: `docker://${started.id}`} : {}),
    started: Boolean(state.running),
    ...extra,
  }
}

function start(cluster: Cluster, pod: KubeObject, c: Container, rt: PodRuntime): {startedAt: string; finishedAt?: string; id: string} {
  let info = rt.containers.get(c.name)
  if (!info) {
    info = {id: randomBytes(32).toString('hex'), startedAt: now()}
    rt.containers.set(c.name, info)
    const fieldPath = containerFieldPath(pod, c)
    cluster.event(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, 'kubelet', fieldPath)
    cluster.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, 'kubelet', fieldPath)
    cluster.event(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet', fieldPath)
  }
  return info
}

/** pkg/kubelet/container/ref.go fieldPath: which list of the pod spec holds the container. */
function containerFieldPath(pod: KubeObject, c: Container): string {
  const list = (pod.spec.initContainers ?? []).some((i: Container) => i.name === c.name) ? 'initContainers' : 'containers'
  return `spec.${list}{${c.name}}`
}

function pullFailure(cluster: Cluster, pod: KubeObject, c: Container): State {
  cluster.event(pod, 'Warning', 'Failed', `Failed to pull image "${c.image}": Error response from daemon: pull access denied for ${c.image?.split(':')[0]}, repository does not exist or may require 'docker login'`, 'kubelet', containerFieldPath(pod, c))
  return {waiting: {reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"`}}
}

function runInit(cluster: Cluster, pod: KubeObject, c: Container, rt: PodRuntime): ContainerStatus {
  if (unpullable(c.image)) return status(c, pullFailure(cluster, pod, c), false)
  const info = start(cluster, pod, c, rt)
  if (!isAgent(c)) {
    info.finishedAt ??= info.startedAt
    return status(c, {terminated: {exitCode: 0, reason: 'Completed', startedAt: info.startedAt, finishedAt: info.finishedAt, containerID: `docker://${info.id}`}}, true, rt)
  }
  const agent = driveAgent(cluster, pod, c, rt)
  if (agent.outcome === 'rendered') {
    info.finishedAt ??= now()
    return status(c, {terminated: {exitCode: 0, reason: 'Completed', startedAt: info.startedAt, finishedAt: info.finishedAt, containerID: `docker://${info.id}`}}, true, rt, {restartCount: agent.restarts})
  }
  if (agent.outcome === 'template-failed' && !agent.running) {
    return status(
      c,
      {waiting: {reason: 'CrashLoopBackOff', message: `back-off ${Math.min(10 * 2 ** (agent.restarts - 1), 300)}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`}},
      false,
      rt,
      {restartCount: agent.restarts, lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: info.startedAt, finishedAt: agent.lastFinishedAt, containerID: `docker://${info.id}`}}},
    )
  }
  return status(c, {running: {startedAt: info.startedAt}}, false, rt, {restartCount: agent.restarts})
}

function runContainer(cluster: Cluster, pod: KubeObject, c: Container, rt: PodRuntime): ContainerStatus {
  if (unpullable(c.image)) return status(c, pullFailure(cluster, pod, c), false)
  const info = start(cluster, pod, c, rt)
  if (crashLooping(c.image)) {
    const crash = crashLoopStatus(cluster, pod, c, rt, info)
    return status(c, crash.state, false, rt, {lastState: crash.lastState, restartCount: crash.restartCount})
  }
  if (!isAgent(c) && pod.spec.restartPolicy !== 'Always') {
    const completed = runToCompletion(cluster, pod, c, rt, info)
    if (completed) return completed
  }
  if (isAgent(c)) driveAgent(cluster, pod, c, rt)
  const injectorPod = pod.metadata.labels?.[INJECTOR_LABEL] === 'vault-agent-injector'
  const ready = !neverReady(c.image) && (!injectorPod || cluster.injectorReady)
  if (injectorPod && ready) installInjectorCa(cluster, c)
  return status(c, {running: {startedAt: info.startedAt}}, ready, rt)
}

/** getPhase (pkg/kubelet/kubelet_pods.go): every container terminated: Succeeded if all exited 0, else Failed. */
function finishedPhase(statuses: ContainerStatus[]): 'Succeeded' | 'Failed' {
  return statuses.every((s) => (s.state.terminated as {exitCode: number}).exitCode === 0) ? 'Succeeded' : 'Failed'
}

/**
 * A container of a pod whose restartPolicy is Never or OnFailure (a Job's) runs its command in the emulated shell
 * once and exits with its code, its output in the container log. With OnFailure a failure restarts it after the
 * kubelet's back-off (10s doubling), as CrashLoopBackOff. A command the shell does not know keeps running (a server).
 */
function runToCompletion(cluster: Cluster, pod: KubeObject, c: Container, rt: PodRuntime, info: NonNullable<ReturnType<PodRuntime['containers']['get']>>): ContainerStatus | undefined {
  const argv = [...(c.command ?? []), ...(c.args ?? [])]
  if (info.exitCode === undefined) {
    // The shell runs asynchronously (a `vault …` line talks HTTP): the container is Running until its command ends,
    // then the pod is reconciled again with the exit code.
    if (argv.length === 0 || info.server || info.running) return undefined
    info.running = true
    const uid = pod.metadata.uid!
    const env = containerEnv(cluster, pod, c, {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root'})
    void runArgv(argv, {fs: rt.fs, container: c.name, env}).then((result) => {
      info.running = false
      if (cluster.runtimes.get(uid) !== rt) return
      if (!result) {
        info.server = true
        return
      }
      cluster.appendLog(rt, c.name, result.stdout + result.stderr)
      info.exitCode = result.code
      info.finishedAt = now()
      if (result.code !== 0 && pod.spec.restartPolicy === 'OnFailure') {
        info.restarts = (info.restarts ?? 0) + 1
        info.lastFinishedAt = info.finishedAt
        cluster.after(Math.min(10_000 * 2 ** (info.restarts - 1), 300_000), () => {
          if (cluster.runtimes.get(uid) !== rt) return
          info.exitCode = undefined
          info.startedAt = now()
          startLogRun(rt, c.name)
          reconcileLater(cluster, pod)
        })
      }
      reconcileLater(cluster, pod)
    })
    return undefined
  }
  const terminated = {exitCode: info.exitCode, reason: info.exitCode === 0 ? 'Completed' : 'Error', startedAt: info.startedAt, finishedAt: info.finishedAt, containerID: `docker://${info.id}`}
  const restartCount = info.restarts ?? 0
  if (info.exitCode !== 0 && pod.spec.restartPolicy === 'OnFailure') {
    return status(c, {waiting: {reason: 'CrashLoopBackOff', message: `back-off ${Math.min(10 * 2 ** (restartCount - 1), 300)}s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`}}, false, rt, {
      restartCount,
      lastState: {terminated},
    })
  }
  return status(c, {terminated}, false, rt, {restartCount})
}

/**
 * A running injector with -tls-auto generates its CA and patches it into the first webhook of the named
 * MutatingWebhookConfiguration, only when it differs (hashicorp/vault-k8s subcommand/injector/command.go
 * updateCertificate / updateCABundle: JSON patch `add /webhooks/0/clientConfig/caBundle`). The emulated injector's
 * CA is the cluster's, as in the tutorial preset.
 */
function installInjectorCa(cluster: Cluster, c: Container): void {
  const name = (c.env ?? []).find((e) => e.name === 'AGENT_INJECT_TLS_AUTO')?.value
  const config = name ? cluster.store.get('mutatingwebhookconfigurations', undefined, name) : undefined
  const bundle = Buffer.from(cluster.options.caPem).toString('base64')
  const first = config?.webhooks?.[0] as {clientConfig?: {caBundle?: string}} | undefined
  if (!config || !first || first.clientConfig?.caBundle === bundle) return
  first.clientConfig = {...first.clientConfig, caBundle: bundle}
  cluster.store.update('mutatingwebhookconfigurations', config)
}

/**
 * Starts (or restarts after a back-off) the emulated agent of one container. Auth failures retry in place like
 * auto-auth; a template failure exits the container and the kubelet restarts it with CrashLoopBackOff delays.
 */
function driveAgent(cluster: Cluster, pod: KubeObject, c: Container, rt: PodRuntime) {
  let state = rt.agents.get(c.name)
  if (!state) {
    state = {attempt: 0, running: false, restarts: 0}
    rt.agents.set(c.name, state)
    launch(cluster, pod, c, rt)
  }
  return state
}

function launch(cluster: Cluster, pod: KubeObject, c: Container, rt: PodRuntime): void {
  const state = rt.agents.get(c.name)!
  state.running = true
  const requeue = () => cluster.queue.enqueue(`Pod/${pod.metadata.namespace}/${pod.metadata.name}`, () => reconcilePod(cluster, pod.metadata.namespace!, pod.metadata.name))
  void cluster.queue.track(
    runAgent(cluster, pod, c, rt, state.attempt).then((outcome) => {
      if (cluster.runtimes.get(pod.metadata.uid!) !== rt) return
      state.outcome = outcome
      state.running = outcome === 'auth-failed'
      state.attempt++
      if (outcome === 'template-failed') {
        state.restarts++
        state.lastFinishedAt = now()
      }
      if (outcome !== 'rendered') {
        const delay = outcome === 'auth-failed' ? Math.min(1000 * 2 ** (state.attempt - 1), 300_000) : Math.min(10_000 * 2 ** (state.restarts - 1), 300_000)
        cluster.after(delay, () => {
          if (cluster.runtimes.get(pod.metadata.uid!) !== rt) return
          // an exited container comes back as a new instance with a log of its own (kubectl logs --previous)
          if (outcome === 'template-failed') startLogRun(rt, c.name)
          launch(cluster, pod, c, rt)
        })
      }
      requeue()
    }),
  )
}

/** What the kubelet writes into kube-api-access-* projected volumes: a pod-bound token, the CA, the namespace. */
function writeProjectedVolumes(cluster: Cluster, pod: KubeObject, rt: PodRuntime): void {
  rt.volumesWritten = true
  const ns = pod.metadata.namespace!
  for (const v of (pod.spec.volumes ?? []) as Array<{name: string; projected?: {sources?: Array<Record<string, {path?: string; audience?: string; expirationSeconds?: number; items?: Array<{key?: string; path: string}>; name?: string}>>}}>) {
    for (const source of v.projected?.sources ?? []) {
      if (source.serviceAccountToken) {
        const sa = cluster.store.get('serviceaccounts', ns, pod.spec.serviceAccountName ?? 'default')
        if (!sa) continue
        const {token} = cluster.tokens.issue(ns, sa, {
          audiences: [source.serviceAccountToken.audience ?? ISSUER],
          expirationSeconds: source.serviceAccountToken.expirationSeconds ?? 3607,
          boundObject: {kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid!},
        })
        rt.fs.writeVolume(v.name, source.serviceAccountToken.path ?? 'token', token)
      }
      if (source.configMap) {
        const cm = cluster.store.get('configmaps', ns, source.configMap.name ?? '')
        for (const item of source.configMap.items ?? []) if (cm?.data?.[item.key!] !== undefined) rt.fs.writeVolume(v.name, item.path, cm.data[item.key!])
      }
      if (source.downwardAPI) for (const item of source.downwardAPI.items ?? []) if (item.path === 'namespace') rt.fs.writeVolume(v.name, 'namespace', ns)
    }
  }
}

function reconcileLater(cluster: Cluster, pod: KubeObject): void {
  cluster.queue.enqueue(`Pod/${pod.metadata.namespace}/${pod.metadata.name}`, () => reconcilePod(cluster, pod.metadata.namespace!, pod.metadata.name))
}
