/**
 * `vsi uninstall`: `helm uninstall vault`, then what Helm leaves behind. Helm deletes what the release rendered;
 * the PVCs a StatefulSet's volumeClaimTemplates created are not part of the release and stay (by design, so data
 * survives), and an injector MutatingWebhookConfiguration can outlive a failed or partial uninstall.
 */
import {VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {backoff, sleepUnlessAborted} from '../kube/rollout.js'
import {formatCommandLine} from '../exec/run.js'
import {checkHelmVersion, findRelease, HELM, helmRunner, RELEASE, uninstallArgs, type ReleaseInfo} from './helm.js'
import {RELEASE_SELECTOR} from './wait.js'

/** The chart's webhook configuration: labelled with the injector's name and the release. */
const WEBHOOK_SELECTOR = `app.kubernetes.io/name=vault-agent-injector,${RELEASE_SELECTOR}`
/** PVCs from volumeClaimTemplates carry the StatefulSet's selector labels (kubernetes/kubernetes pkg/controller/statefulset/stateful_set_utils.go getPersistentVolumeClaims). */
const SERVER_PVC_SELECTOR = `app.kubernetes.io/name=vault,${RELEASE_SELECTOR},component=server`

export interface UninstallPlan {
  release?: ReleaseInfo
  namespace: string
  context?: string
  helmCommand?: string
  webhookConfigurations: string[]
  volumeClaims: string[]
  purge: boolean
}

export interface UninstallResult extends UninstallPlan {
  /** What was deleted, as `kind/name`. */
  deleted: string[]
  /** PVCs kept because --purge was not given. */
  kept: string[]
}

export interface UninstallRequest {
  namespace: string
  kubeContext?: string
  kubeconfig?: string
  purge: boolean
  timeoutMs: number
  signal?: AbortSignal
}

export async function planUninstall(kube: KubeClient, request: UninstallRequest): Promise<UninstallPlan> {
  const helm = helmRunner(request.signal)
  await checkHelmVersion(helm)
  const cluster = {namespace: request.namespace, kubeContext: request.kubeContext, kubeconfig: request.kubeconfig}
  const release = await findRelease(helm, cluster)
  const hooks = await kube.listMutatingWebhookConfigurations(WEBHOOK_SELECTOR)
  const claims = await kube.listPersistentVolumeClaims({namespace: request.namespace, labelSelector: SERVER_PVC_SELECTOR})
  return {
    release,
    namespace: request.namespace,
    context: kube.context,
    helmCommand: release ? formatCommandLine(HELM, uninstallArgs(cluster)) : undefined,
    webhookConfigurations: hooks.map((hook) => hook.metadata?.name ?? '').filter(Boolean),
    volumeClaims: claims.map((claim) => claim.metadata?.name ?? '').filter(Boolean),
    purge: request.purge,
  }
}

export function isEmptyPlan(plan: UninstallPlan): boolean {
  return !plan.release && plan.webhookConfigurations.length === 0 && (!plan.purge || plan.volumeClaims.length === 0)
}

export function planLines(plan: UninstallPlan): string[] {
  const lines: string[] = []
  if (plan.release) lines.push(`- helm uninstall ${RELEASE} (namespace ${plan.namespace}, chart ${plan.release.chart}, revision ${plan.release.revision})`)
  for (const name of plan.webhookConfigurations) lines.push(`- delete mutatingwebhookconfiguration ${name}${plan.release ? ' (if Helm leaves it)' : ''}`)
  for (const name of plan.volumeClaims) lines.push(plan.purge ? `- delete persistentvolumeclaim ${name} (its data is lost)` : `- keep persistentvolumeclaim ${name} (--purge deletes it)`)
  return lines
}

export async function applyUninstall(kube: KubeClient, plan: UninstallPlan, request: UninstallRequest, onStep: (message: string) => void): Promise<UninstallResult> {
  const deleted: string[] = []
  const cluster = {namespace: request.namespace, kubeContext: request.kubeContext, kubeconfig: request.kubeconfig}
  if (plan.release) {
    onStep(plan.helmCommand ?? '')
    await helmRunner(request.signal)(uninstallArgs(cluster))
    deleted.push(`release/${RELEASE}`)
  }
  for (const name of plan.webhookConfigurations) {
    if (await kube.deleteMutatingWebhookConfiguration(name)) {
      onStep(`deleted mutatingwebhookconfiguration ${name}`)
      deleted.push(`mutatingwebhookconfiguration/${name}`)
    }
  }
  if (plan.purge) {
    for (const name of plan.volumeClaims) {
      if (await kube.deletePersistentVolumeClaim(name, request.namespace)) {
        onStep(`deleted persistentvolumeclaim ${name}`)
        deleted.push(`persistentvolumeclaim/${name}`)
      }
    }
  }
  onStep('waiting for the release pods to be gone')
  await waitForPodsGone(kube, request)
  return {...plan, deleted, kept: plan.purge ? [] : plan.volumeClaims}
}

/** helm uninstall returns once the objects are deleted; their pods terminate afterwards. */
async function waitForPodsGone(kube: KubeClient, request: UninstallRequest): Promise<void> {
  const timeout = AbortSignal.timeout(request.timeoutMs)
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout
  let remaining: string[] = []
  for (const delay of backoff(250, 1000)) {
    remaining = (await kube.listPods({namespace: request.namespace, labelSelector: RELEASE_SELECTOR})).map((pod) => pod.metadata?.name ?? '')
    if (remaining.length === 0) return
    await sleepUnlessAborted(delay, signal)
    if (signal.aborted) break
  }
  throw new VsiError(`the release is uninstalled but pods are still terminating: ${remaining.join(', ')}`, {
    code: 'timeout',
    hint: `They usually go within a minute: kubectl get pods -n ${request.namespace} -l ${RELEASE_SELECTOR}`,
  })
}
