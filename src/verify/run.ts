import {injectionSpec} from '../annotations/injection.js'
import {mapWithConcurrency} from '../async.js'
import {VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import type {TargetRef} from '../kube/workload.js'
import type {CheckContext} from './checks.js'
import {checkPod} from './checks.js'
import type {Expectation} from './expectations.js'
import {checkExpectationsNameFiles} from './expectations.js'
import {selectPods, type SelectOptions} from './select.js'
import type {FailureClass, PodReport, VerifyResult} from './types.js'

export interface VerifyOptions {
  ref?: TargetRef
  selector?: string
  namespace: string
  container?: string
  expectations: Expectation[]
  showSecrets: boolean
  concurrency: number
  timeoutMs: number
  onProgress?: (status: string) => void
  onRollout?: SelectOptions['onRollout']
  countNewPods?: boolean
  secretKeys?: CheckContext['secretKeys']
}

export function summarize(pods: PodReport[]): VerifyResult['summary'] {
  const checks = pods.flatMap((pod) => pod.checks)
  const failures: Partial<Record<FailureClass, number>> = {}
  for (const check of checks) if (check.failure) failures[check.failure.class] = (failures[check.failure.class] ?? 0) + 1
  return {
    pods: pods.length,
    checks: checks.length,
    passed: checks.filter((c) => c.status === 'pass').length,
    failed: checks.filter((c) => c.status === 'fail').length,
    skipped: checks.filter((c) => c.status === 'skip').length,
    failures,
  }
}

/**
 * Waits for the pods (keeping part of --timeout for the checks), then checks them `concurrency` at a time.
 * Returns the result whether or not the checks pass; throws only when there is nothing to check.
 */
export async function verifyPods(kube: KubeClient, options: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now()
  const deadline = started + options.timeoutMs
  const checkReserveMs = Math.min(10_000, options.timeoutMs / 4)
  const selection = await selectPods(kube, {
    ref: options.ref,
    selector: options.selector,
    namespace: options.namespace,
    signal: AbortSignal.timeout(Math.max(options.timeoutMs - checkReserveMs, 1)),
    onProgress: options.onProgress,
    onRollout: options.onRollout,
    countNewPods: options.countNewPods,
  })
  checkExpectationsNameFiles(options.expectations, selection.pods.flatMap((pod) => injectionSpec(pod.metadata ?? {}, pod.spec).files))

  options.onProgress?.(`checking ${selection.pods.length} pods`)
  const context: CheckContext = {
    kube: kube.withSignal(AbortSignal.timeout(Math.max(deadline - Date.now(), 1))),
    namespace: options.namespace,
    container: options.container,
    expectations: options.expectations,
    showSecrets: options.showSecrets,
    deadline,
    secretKeys: options.secretKeys,
  }
  const pods = await mapWithConcurrency(selection.pods, options.concurrency, (pod) => checkPod(pod, context))
  pods.sort((a, b) => a.pod.localeCompare(b.pod))
  const summary = summarize(pods)
  return {
    target: selection.target,
    namespace: options.namespace,
    ...(selection.selector ? {selector: selection.selector} : {}),
    passed: summary.failed === 0,
    summary,
    pods,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }
}

/** The error `vsi verify` exits 1 with: it carries the whole result for --json. */
export function verifyFailed(result: VerifyResult): VsiError {
  const failedPods = result.pods.filter((pod) => !pod.passed).length
  const classes = Object.entries(result.summary.failures).map(([name, count]) => `${count} ${name}`).join(', ')
  return new VsiError(`${result.summary.failed} of ${result.summary.checks} checks failed in ${failedPods} of ${result.pods.length} pods (${classes})`, {
    code: 'verify-failed',
    result,
  })
}
