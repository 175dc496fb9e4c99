import type {V1Pod} from '@kubernetes/client-node'

import {VsiError} from '../errors.js'
import type {KubeClient, Workload} from '../kube/client.js'
import {isAbort} from '../kube/errors.js'
import {isPodReady} from '../kube/pod-state.js'
import {backoff, rolloutStatus, sleepUnlessAborted, waitForRollout} from '../kube/rollout.js'
import {labelSelectorToString, matchesLabelSelector} from '../kube/selector.js'
import type {WorkloadRef} from '../kube/workload.js'
import {formatRef} from '../kube/workload.js'
import type {PodSelection} from './select.js'
import {live, noPods} from './select.js'

/** One workload to find the pods of; `label` prefixes its errors (`app: deployment/name: …`). */
export interface WorkloadTarget {
  ref: WorkloadRef
  namespace: string
  label: string
}

export interface SelectManyOptions {
  /** Ends the waits (not the command): the caller keeps some of --timeout for the checks. */
  signal: AbortSignal
  onProgress?: (status: string) => void
}

/** An error of one workload, named as `vsi verify -f` names it: the exit code and hint stay. */
function labelled(target: WorkloadTarget, error: unknown): Error {
  const failure = error instanceof Error ? error : new Error(String(error))
  return Object.assign(failure, {message: `${target.label}: ${failure.message}`})
}

const stopsWaiting = (error: unknown, signal: AbortSignal) =>
  signal.aborted || isAbort(error) || (error instanceof VsiError && error.code === 'timeout')

/**
 * The workloads of one namespace: one list per kind when several are named (a get for a lone one), and a get for
 * any the list lacks, so that a missing workload fails with the API server's own not-found, as a lone get would. A
 * list the caller may not make (RBAC can grant get without list) falls back to gets.
 */
async function readWorkloads(kube: KubeClient, namespace: string, targets: WorkloadTarget[]): Promise<Workload[]> {
  const deployments = targets.filter((target) => target.ref.kind === 'Deployment')
  let listed: Map<string, Workload> | undefined
  if (deployments.length > 1) {
    try {
      listed = new Map((await kube.listDeployments({namespace})).map((deployment) => [deployment.metadata?.name ?? '', deployment]))
    } catch {
      listed = undefined
    }
  }
  return Promise.all(
    targets.map(async (target) => {
      const found = target.ref.kind === 'Deployment' ? listed?.get(target.ref.name) : undefined
      if (found) return found
      try {
        return await kube.getWorkload(target.ref, namespace)
      } catch (error) {
        throw labelled(target, error)
      }
    }),
  )
}

/** As selectPods: waits for a rollout kubectl would wait for; a rollout it cannot judge is left to the pods' checks. */
async function waitForRollouts(kube: KubeClient, namespace: string, targets: WorkloadTarget[], workloads: Workload[], signal: AbortSignal): Promise<void> {
  await Promise.all(
    targets.map(async (target, index) => {
      try {
        await waitForRollout(kube, target.ref, {namespace, current: workloads[index], signal})
      } catch (error) {
        if (!(error instanceof VsiError && error.code === 'rollout-failed')) throw labelled(target, error)
      }
    }),
  )
}

/**
 * The pods of every workload of one namespace, from one list: by the workload's selector when it is alone, else the
 * whole namespace (listed along with the workloads when none had to be waited for), matched to each workload's
 * selector here. Then, as selectPods, polls until every pod is Ready or
 * the signal aborts; each workload keeps its last observation that had pods.
 */
async function namespacePods(
  kube: KubeClient,
  namespace: string,
  targets: WorkloadTarget[],
  workloads: Workload[],
  options: SelectManyOptions & {early?: Promise<V1Pod[]>},
): Promise<PodSelection[]> {
  const selectors = workloads.map((workload) => workload.spec?.selector)
  const labelSelector = targets.length === 1 ? labelSelectorToString(selectors[0]) : undefined
  const match = (pods: V1Pod[]) => selectors.map((selector) => live(pods).filter((pod) => matchesLabelSelector(selector, pod.metadata?.labels)))
  const list = async (client: KubeClient) => match(await client.listPods({namespace, labelSelector}))
  let observed: V1Pod[][]
  try {
    observed = options.early ? match(await options.early) : await list(kube)
  } catch (error) {
    throw labelled(targets[0], error)
  }
  targets.forEach((target, index) => {
    if (observed[index].length === 0) {
      const selector = labelSelectorToString(selectors[index])
      throw labelled(target, noPods(`${formatRef(target.ref)} has no pods in namespace "${namespace}" (selector ${selector})`, namespace))
    }
  })
  const client = kube.withSignal(options.signal)
  for (const delay of backoff()) {
    if (observed.every((pods) => pods.every(isPodReady))) break
    await sleepUnlessAborted(delay, options.signal)
    if (options.signal.aborted) break
    try {
      const next = await list(client)
      observed = observed.map((pods, index) => (next[index].length > 0 ? next[index] : pods))
    } catch (error) {
      if (stopsWaiting(error, options.signal)) break
      throw labelled(targets[0], error)
    }
  }
  return targets.map((target, index) => ({target: formatRef(target.ref), selector: labelSelectorToString(selectors[index]), pods: observed[index]}))
}

/** A promise that never rejects (so an early list nobody ends up reading is no unhandled rejection), and back. */
const settled = <T>(promise: Promise<T>): Promise<{value: T} | {error: unknown}> => promise.then((value) => ({value}), (error: unknown) => ({error}))
const unwrap = <T>(outcome: {value: T} | {error: unknown}): T => {
  if ('error' in outcome) throw outcome.error
  return outcome.value
}

/**
 * selectPods for many workloads at once, a namespace at a time and all namespaces together: the requests do not grow
 * with the number of workloads in a namespace (a list of its deployments, a list of its pods, sent together), and the
 * round trips are at most those of one workload. Results keep the order of `targets`; the first failure rejects, named by its label.
 */
export async function selectWorkloadPods(kube: KubeClient, targets: WorkloadTarget[], options: SelectManyOptions): Promise<PodSelection[]> {
  const byNamespace = new Map<string, number[]>()
  targets.forEach((target, index) => byNamespace.set(target.namespace, [...(byNamespace.get(target.namespace) ?? []), index]))
  const selections = new Array<PodSelection>(targets.length)
  let ready = 0
  await Promise.all(
    [...byNamespace].map(async ([namespace, indexes]) => {
      const group = indexes.map((index) => targets[index])
      // Several workloads: the namespace's pods are listed whole, so the list goes out with the workload reads.
      const early = group.length > 1 ? settled(kube.listPods({namespace})) : undefined
      const workloads = await readWorkloads(kube, namespace, group)
      const rolledOut = group.every((target, index) => rolloutStatus(target.ref, workloads[index]).done)
      await waitForRollouts(kube, namespace, group, workloads, options.signal)
      // Pods listed before a rollout finished may be the old revision's: list again.
      const found = await namespacePods(kube, namespace, group, workloads, {...options, early: rolledOut ? early?.then(unwrap) : undefined})
      indexes.forEach((index, position) => (selections[index] = found[position]))
      ready += group.length
      options.onProgress?.(`pods of ${ready}/${targets.length} workloads found`)
    }),
  )
  return selections
}
