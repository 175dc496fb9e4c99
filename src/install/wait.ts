/**
 * After `helm upgrade --install`: waits until the Vault server pod is Ready, the injector Deployment is rolled out
 * and the injector's webhook Service has endpoints (before that, the webhook's `failurePolicy: Ignore` silently
 * admits pods without injection — reference: vault-helm templates/injector-mutating-webhook.yaml).
 * A pod that cannot get there is named with its cause: image pull, unschedulable, crash loop.
 */
import type {V1ContainerStatus, V1Pod} from '@kubernetes/client-node'

import {ExitCode, VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {isAbort, isForbidden, timeoutError} from '../kube/errors.js'
import {findInjectorWebhook} from '../kube/injector-webhook.js'
import {describeContainerState, isPodReady, isTerminating} from '../kube/pod-state.js'
import {backoff, rolloutStatus, sleepUnlessAborted} from '../kube/rollout.js'
import {RELEASE} from './helm.js'

/** Object names the chart derives from release `vault` (its fullname is then `vault`). */
export const INJECTOR_DEPLOYMENT = `${RELEASE}-agent-injector`
export const INJECTOR_SERVICE = `${RELEASE}-agent-injector-svc`
export const RELEASE_SELECTOR = `app.kubernetes.io/instance=${RELEASE}`
const SERVER_SELECTOR = `app.kubernetes.io/name=vault,${RELEASE_SELECTOR},component=server`

export interface Readiness {
  server: string
  injector: string
  webhook: string
  done: boolean
}

/** kubelet's waiting reasons for an image that cannot be had (kubernetes/kubernetes pkg/kubelet/images/types.go). */
const IMAGE_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull'])
/** kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_manager.go: the back-off after repeated exits. */
const CRASH_REASON = 'CrashLoopBackOff'
const LOG_LINES = 10

export async function waitUntilReady(
  kube: KubeClient,
  options: {namespace: string; timeoutMs: number; signal?: AbortSignal; onProgress: (readiness: Readiness) => void},
): Promise<Readiness> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  const client = kube.withSignal(signal)
  let last: Readiness = {server: 'not created yet', injector: 'not created yet', webhook: 'no endpoints yet', done: false}
  let unschedulable: string | undefined
  for (const delay of backoff(250, 1000)) {
    try {
      const pods = await client.listPods({namespace: options.namespace, labelSelector: RELEASE_SELECTOR})
      await failFast(client, pods, options.namespace)
      unschedulable = unschedulableReason(pods)
      last = await observe(client, pods, options.namespace)
    } catch (error) {
      if (!(signal.aborted || isAbort(error) || (error instanceof VsiError && error.code === 'timeout'))) throw error
    }
    options.onProgress(last)
    if (last.done) return last
    if (!signal.aborted) await sleepUnlessAborted(delay, signal)
    if (options.signal?.aborted) throw new VsiError('stopped while waiting for Vault to become ready', {code: 'interrupted', exitCode: ExitCode.interrupted})
    if (signal.aborted) break
  }
  if (unschedulable) {
    throw new VsiError(`a Vault pod cannot be scheduled: ${unschedulable}`, {
      code: 'pod-unschedulable',
      hint: `Free or add capacity, or fix the node selector/tolerations in your values; see kubectl describe pods -n ${options.namespace} -l ${RELEASE_SELECTOR}`,
    })
  }
  const waiting = [last.server, last.injector, last.webhook].filter((_, i) => !partsDone(last)[i])
  throw timeoutError(`after ${Math.round(options.timeoutMs / 1000)}s waiting for Vault to become ready: ${waiting.join('; ')}`, 'Raise --timeout if the cluster is just slow (images can take minutes to pull), or look at kubectl get pods -n ' + `${options.namespace} -l ${RELEASE_SELECTOR}`)
}

function partsDone(r: Readiness): [boolean, boolean, boolean] {
  return [r.server.endsWith('is ready'), r.injector.endsWith('rolled out'), r.webhook.startsWith('serving')]
}

async function observe(kube: KubeClient, pods: V1Pod[], namespace: string): Promise<Readiness> {
  const servers = pods.filter((pod) => matches(pod, SERVER_SELECTOR) && !isTerminating(pod))
  const readyServer = servers.find(isPodReady)
  const server = readyServer
    ? `Vault server pod ${readyServer.metadata?.name} is ready`
    : servers.length === 0
      ? 'Vault server pod not created yet'
      : `Vault server pod ${servers[0].metadata?.name}: ${podState(servers[0])}`

  let injector: string
  try {
    const deployment = await kube.getWorkload({kind: 'Deployment', name: INJECTOR_DEPLOYMENT}, namespace)
    const status = rolloutStatus({kind: 'Deployment', name: INJECTOR_DEPLOYMENT}, deployment)
    injector = status.done ? `injector deployment ${INJECTOR_DEPLOYMENT} rolled out` : `injector deployment ${INJECTOR_DEPLOYMENT}: ${status.message}`
  } catch (error) {
    if (!(error instanceof VsiError && error.code === 'kube-not-found')) throw error
    injector = `injector deployment ${INJECTOR_DEPLOYMENT} not created yet`
  }

  const endpoints = await kube.findEndpoints(INJECTOR_SERVICE, namespace)
  const addresses = (endpoints?.subsets ?? []).flatMap((subset) => subset.addresses ?? [])
  const missingCa = addresses.length > 0 ? await caNotInstalled(kube) : undefined
  const webhook =
    addresses.length === 0
      ? `webhook service ${INJECTOR_SERVICE} has no ready endpoints yet`
      : missingCa
        ? `webhook service ${INJECTOR_SERVICE} has ${addresses.length} ready endpoint(s); the injector has not installed its CA in ${missingCa} yet`
        : `serving: service ${INJECTOR_SERVICE} has ${addresses.length} ready endpoint(s)`
  const readiness = {server, injector, webhook, done: false}
  readiness.done = partsDone(readiness).every(Boolean)
  return readiness
}

/**
 * The injector patches its CA into the webhook configuration after it starts (-tls-auto); until then the API server
 * cannot call it, and with failurePolicy Ignore pods start without secrets. Returns that configuration's name while
 * its caBundle is empty; undefined once set, or when webhook configurations may not be read (403).
 */
async function caNotInstalled(kube: KubeClient): Promise<string | undefined> {
  try {
    const found = await findInjectorWebhook(kube)
    const config = found?.webhook.clientConfig
    return found && !config?.url && !config?.caBundle ? found.configuration : undefined
  } catch (error) {
    if (isForbidden(error)) return undefined
    throw error
  }
}

/** Image pull failures and crash loops do not fix themselves: say so now rather than at the timeout. */
async function failFast(kube: KubeClient, pods: V1Pod[], namespace: string): Promise<void> {
  for (const pod of pods) {
    if (isTerminating(pod)) continue
    const name = pod.metadata?.name ?? ''
    for (const status of allStatuses(pod)) {
      const reason = status.state?.waiting?.reason ?? ''
      if (IMAGE_REASONS.has(reason)) {
        throw new VsiError(`pod ${name} cannot pull image ${status.image} (container ${status.name}: ${reason}${status.state?.waiting?.message ? `: ${status.state.waiting.message}` : ''})`, {
          code: 'image-pull-failed',
          hint: `Check the image name and tag in your values (--set server.image.tag=…, injector.image.tag=…) and that the node can reach the registry: kubectl describe pod ${name} -n ${namespace}`,
        })
      }
      if (reason === CRASH_REASON) {
        const logs = await lastLogLines(kube, pod, status.name, namespace)
        throw new VsiError(`pod ${name} is crash-looping (container ${status.name} restarted ${status.restartCount} times)${logs ? `; its last log lines:\n${logs}` : ''}`, {
          code: 'crash-loop',
          hint: `See the full log: kubectl logs ${name} -c ${status.name} -n ${namespace} --previous`,
        })
      }
    }
  }
}

/** The log of the instance that exited (--previous), else of the current one. */
async function lastLogLines(kube: KubeClient, pod: V1Pod, container: string, namespace: string): Promise<string> {
  const name = pod.metadata?.name ?? ''
  for (const previous of [true, false]) {
    try {
      const text = await kube.podLogs(name, {namespace, container, tailLines: LOG_LINES, previous})
      if (text.trim() !== '') return text.trimEnd().split('\n').slice(-LOG_LINES).map((line) => `  ${line}`).join('\n')
    } catch {
      // No previous instance kept (or logs unavailable): try the next source.
    }
  }
  return ''
}

/** The scheduler's message on a pod it could not place (PodScheduled=False, reason Unschedulable). */
function unschedulableReason(pods: V1Pod[]): string | undefined {
  for (const pod of pods) {
    const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')
    if (condition) return `${pod.metadata?.name}: ${condition.message ?? 'Unschedulable'}`
  }
  return undefined
}

function podState(pod: V1Pod): string {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
  if (scheduled?.status === 'False') return `Pending (${scheduled.reason}${scheduled.message ? `: ${scheduled.message}` : ''})`
  const notReady = allStatuses(pod).find((status) => !status.ready)
  return notReady ? `${pod.status?.phase ?? 'Pending'}, container ${notReady.name} ${describeContainerState(notReady)}` : (pod.status?.phase ?? 'Pending')
}

function allStatuses(pod: V1Pod): V1ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
}

function matches(pod: V1Pod, selector: string): boolean {
  const labels = pod.metadata?.labels ?? {}
  return selector.split(',').every((pair) => {
    const [key, value] = pair.split('=')
    return labels[key] === value
  })
}
