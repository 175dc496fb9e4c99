import type {V1PodTemplateSpec} from '@kubernetes/client-node'

import {ANNOTATION_PREFIX} from '../annotations/catalog.js'
import {injectionSpec} from '../annotations/injection.js'
import {VsiError} from '../errors.js'
import type {KubeClient, Workload} from './client.js'
import {checkInjector} from './injector-webhook.js'
import {isPodReady, isTerminating, notReadyReason} from './pod-state.js'
import type {RolloutStatus} from './rollout.js'
import {waitForRollout} from './rollout.js'
import {labelSelectorToString} from './selector.js'
import {patchWouldChange} from './strategic-merge.js'
import type {WorkloadRef} from './workload.js'
import {formatRef} from './workload.js'

export interface ApplyOptions {
  namespace?: string
  /** Bounds everything: the checks, the patch and the wait (--timeout). */
  timeoutMs: number
  /** Wait for the rollout as `kubectl rollout status` does (false with --no-wait). */
  wait: boolean
  /** Non-fatal findings: the injector is not ready, the service account is missing. */
  warn: (message: string) => void
  onProgress?: (status: RolloutStatus) => void
  /** Count the new revision's pods alone in the progress (see waitForRollout). */
  countNewPods?: boolean
  /** Called once the patch is written (or found unneeded), before the wait: the user learns it as kubectl says it. */
  onPatched?: (changed: boolean) => void
}

export interface ApplyResult {
  workload: string
  namespace: string
  /** False when the workload already had everything the patch sets: nothing was written. */
  changed: boolean
  serviceAccount: string
  rollout: {done: boolean; ready: number; desired: number; message: string; seconds: number} | null
}

interface PatchShape {
  spec?: {template?: V1PodTemplateSpec}
}

function templateOf(workload: Workload): V1PodTemplateSpec | undefined {
  return workload.spec?.template
}

/** Warnings that predict pods starting without secrets or not starting at all. */
async function preflight(kube: KubeClient, workload: Workload, patch: PatchShape, namespace: string, warn: (m: string) => void): Promise<string> {
  const template = templateOf(workload)
  const serviceAccount = patch.spec?.template?.spec?.serviceAccountName ?? template?.spec?.serviceAccountName ?? 'default'
  const [injector, account] = await Promise.all([checkInjector(kube), kube.findServiceAccount(serviceAccount, namespace)])
  if (injector && !injector.ready) {
    warn(
      `${injector.problems.join('; ')}: pods created now will start WITHOUT secrets (the webhook's failurePolicy is Ignore). ` +
        'Wait until the injector is ready (kubectl rollout status deployment/vault-agent-injector), then roll out again.',
    )
  }
  if (!account) {
    warn(`service account "${serviceAccount}" does not exist in namespace "${namespace}": the new pods cannot be created. Create it with: kubectl create serviceaccount ${serviceAccount} -n ${namespace}`)
  }
  // The template's annotations after the patch: in a strategic merge patch, null removes a key.
  const merged = Object.entries({...template?.metadata?.annotations, ...patch.spec?.template?.metadata?.annotations}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  )
  if (injectionSpec({annotations: Object.fromEntries(merged)}, undefined).alreadyInjected) {
    warn(`the pod template carries ${ANNOTATION_PREFIX}agent-inject-status: injected, so the injector will skip its pods; remove that annotation`)
  }
  return serviceAccount
}

/** Why the controller cannot create pods (e.g. a missing service account, an admission webhook denial), from its events. */
async function failedCreate(kube: KubeClient, ref: WorkloadRef, namespace: string): Promise<string | undefined> {
  const events = await kube.listEvents({namespace, fieldSelector: 'reason=FailedCreate'})
  const ours = events.filter((e) => e.reason === 'FailedCreate' && (e.involvedObject.name === ref.name || e.involvedObject.name?.startsWith(`${ref.name}-`)))
  return ours.at(-1)?.message
}

/** Explains a rollout that did not finish: the first new pod that is not ready and why, or why pods are not created. */
async function stuckRolloutHint(kube: KubeClient, ref: WorkloadRef, workload: Workload, namespace: string): Promise<string> {
  const selector = labelSelectorToString(workload.spec?.selector)
  const fallback = `See why with: kubectl describe ${formatRef(ref)} -n ${namespace}`
  try {
    const pods = await kube.listPods({namespace, labelSelector: selector})
    const stuck = pods.find((pod) => !isPodReady(pod) && !isTerminating(pod))
    if (stuck) {
      const name = stuck.metadata?.name ?? ''
      const reason = notReadyReason(stuck)
      const logs = reason.includes('vault-agent-init') ? ` Vault login or template errors show in: kubectl logs ${name} -c vault-agent-init -n ${namespace}` : ''
      return `Pod ${name}: ${reason}.${logs || ` ${fallback}`}`
    }
    const createError = await failedCreate(kube, ref, namespace)
    return createError ? `Pods cannot be created: ${createError}` : fallback
  } catch {
    return fallback
  }
}

/**
 * `kubectl patch KIND/NAME --patch …` (strategic merge) followed by `kubectl rollout status`, with checks first that
 * would otherwise fail silently. Re-applying a patch the workload already has writes nothing.
 */
export async function applyWorkloadPatch(kube: KubeClient, ref: WorkloadRef, patch: object, options: ApplyOptions): Promise<ApplyResult> {
  const started = Date.now()
  const namespace = options.namespace ?? kube.namespace
  // Leave a little of --timeout to explain a stuck rollout, so that nothing runs past it.
  const diagnosisReserveMs = Math.min(3000, Math.max(500, options.timeoutMs / 10))
  const deadline = AbortSignal.timeout(Math.max(options.timeoutMs - diagnosisReserveMs, 1))
  const client = kube.withSignal(deadline)

  const current = await client.getWorkload(ref, namespace)
  const changed = patchWouldChange(current, patch)
  const serviceAccount = changed
    ? await preflight(client, current, patch as PatchShape, namespace, options.warn)
    : (templateOf(current)?.spec?.serviceAccountName ?? 'default')
  if (changed) await client.patchWorkload(ref, patch, {namespace})
  options.onPatched?.(changed)

  const result: ApplyResult = {workload: formatRef(ref), namespace, changed, serviceAccount, rollout: null}
  if (!options.wait) return result

  const status = await waitForRollout(client, ref, {namespace, signal: deadline, onProgress: options.onProgress, countNewPods: options.countNewPods})
  result.rollout = {done: status.done, ready: status.ready, desired: status.desired, message: status.message, seconds: Math.round((Date.now() - started) / 100) / 10}
  if (!status.done) {
    const diagnosis = kube.withSignal(AbortSignal.timeout(diagnosisReserveMs))
    throw new VsiError(`timed out waiting for the rollout of ${formatRef(ref)} after ${Math.round(options.timeoutMs / 1000)}s: ${status.message}`, {
      code: 'rollout-timeout',
      hint: await stuckRolloutHint(diagnosis, ref, current, namespace),
      result,
    })
  }
  return result
}
