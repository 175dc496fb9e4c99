import type {V1Pod} from '@kubernetes/client-node'

import {VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {isAbort} from '../kube/errors.js'
import {isPodReady, isTerminating} from '../kube/pod-state.js'
import {backoff, sleepUnlessAborted, waitForRollout, type RolloutStatus} from '../kube/rollout.js'
import {labelSelectorToString} from '../kube/selector.js'
import type {TargetRef} from '../kube/workload.js'
import {formatRef} from '../kube/workload.js'

export interface PodSelection {
  /** `deployment/orgchart`, `pod/NAME` or `-l SELECTOR`. */
  target: string
  selector?: string
  /** The last observation: ready or not when the wait ended. */
  pods: V1Pod[]
}

export interface SelectOptions {
  ref?: TargetRef
  selector?: string
  namespace: string
  /** Ends the wait (not the command): the caller keeps some of --timeout for the checks. */
  signal: AbortSignal
  onProgress?: (status: string) => void
  /** Each observation of the workload's rollout, as kubectl rollout status judges it. */
  onRollout?: (status: RolloutStatus) => void
  /** Count the new revision's pods alone (see waitForRollout). */
  countNewPods?: boolean
}

export function noPods(message: string, namespace: string): VsiError {
  return new VsiError(message, {code: 'no-pods', hint: `See what runs there with: kubectl get pods -n ${namespace} --show-labels`})
}

export const live = (pods: V1Pod[]) => pods.filter((pod) => !isTerminating(pod))

export function readyCount(pods: V1Pod[]): string {
  return `${pods.filter(isPodReady).length}/${pods.length} pods ready`
}

/** Polls until every pod is Ready or the signal aborts; returns the last observation. */
async function waitForReady(fetch: () => Promise<V1Pod[]>, initial: V1Pod[], options: SelectOptions): Promise<V1Pod[]> {
  let pods = initial
  for (const delay of backoff()) {
    options.onProgress?.(readyCount(pods))
    if (pods.length > 0 && pods.every(isPodReady)) return pods
    await sleepUnlessAborted(delay, options.signal)
    if (options.signal.aborted) return pods
    try {
      const next = await fetch()
      if (next.length > 0) pods = next
    } catch (error) {
      if (options.signal.aborted || isAbort(error) || (error instanceof VsiError && error.code === 'timeout')) return pods
      throw error
    }
  }
  return pods
}

/**
 * Finds the pods to verify and waits (bounded by the signal) until they are Ready. For a workload it first waits for
 * the rollout, as `kubectl rollout status` would, so that pods of the previous revision are not judged.
 */
export async function selectPods(kube: KubeClient, options: SelectOptions): Promise<PodSelection> {
  const {ref, namespace} = options
  const client = kube.withSignal(options.signal)

  if (ref?.kind === 'Pod') {
    const pod = await kube.getPod(ref.name, namespace)
    const pods = await waitForReady(async () => [await client.getPod(ref.name, namespace)], [pod], options)
    return {target: formatRef(ref), pods}
  }

  let selector = options.selector ?? ''
  if (ref) {
    const workload = await kube.getWorkload(ref, namespace)
    selector = labelSelectorToString(workload.spec?.selector)
    try {
      await waitForRollout(kube, ref, {
        namespace,
        current: workload,
        signal: options.signal,
        countNewPods: options.countNewPods,
        onProgress: (s) => {
          options.onRollout?.(s)
          options.onProgress?.(`${s.ready}/${s.desired} pods of the new revision ready`)
        },
      })
    } catch (error) {
      // A rollout kubectl cannot judge (OnDelete) or one past its deadline: the pods' own checks say what is wrong.
      if (!(error instanceof VsiError && error.code === 'rollout-failed')) throw error
    }
  }
  const list = async () => live(await client.listPods({namespace, labelSelector: selector}))
  const pods = live(await kube.listPods({namespace, labelSelector: selector}))
  const target = ref ? formatRef(ref) : `-l ${selector}`
  if (pods.length === 0) {
    throw noPods(ref ? `${target} has no pods in namespace "${namespace}" (selector ${selector})` : `no pods match "${selector}" in namespace "${namespace}"`, namespace)
  }
  return {target, selector, pods: await waitForReady(list, pods, options)}
}
