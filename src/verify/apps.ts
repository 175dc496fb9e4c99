import {injectionSpec} from '../annotations/injection.js'
import {mapWithConcurrency} from '../async.js'
import {VsiError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import type {WorkloadRef} from '../kube/workload.js'
import {formatRef} from '../kube/workload.js'
import type {CheckContext} from './checks.js'
import {checkPod} from './checks.js'
import type {Expectation} from './expectations.js'
import {checkExpectationsNameFiles} from './expectations.js'
import {renderReport} from './report.js'
import {summarize} from './run.js'
import {selectWorkloadPods, type WorkloadTarget} from './select-many.js'
import type {PodReport, VerifyResult} from './types.js'

/** An app of a vsi.yaml, as far as verify needs it (the spec engine's AppSpec fits). */
export interface AppToVerify {
  name: string
  /** Undefined: the kubeconfig context's namespace. */
  namespace?: string
  workloads: WorkloadRef[]
  /** Each file must define the keys listed (template files are the user's own: not checked). */
  secrets: Array<{file: string; keys: string[]; format: string}>
}

export interface VerifyAppsOptions {
  /** Named in the result and the report. */
  file: string
  container?: string
  showSecrets: boolean
  /** How many pods are checked at once, across all apps. */
  concurrency: number
  timeoutMs: number
  secretKeys?: CheckContext['secretKeys']
  onProgress?: (status: string) => void
}

/** `vsi verify -f vsi.yaml`: one result per workload of every app, and one verdict. */
export interface SpecVerifyResult {
  file: string
  passed: boolean
  apps: Array<{app: string; namespace: string; workloads: VerifyResult[]}>
  summary: {workloads: number; pods: number; checks: number; failed: number}
  seconds: number
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10

function keyExpectations(app: AppToVerify): Expectation[] {
  return app.secrets
    .filter((secret) => secret.keys.length > 0 && secret.format !== 'template')
    .map((secret) => ({file: secret.file, kind: 'keys', keys: secret.keys, description: `keys ${secret.keys.join(',')}`}))
}

/**
 * Verifies every workload of every app together: their pods are found a namespace at a time (see select-many.ts),
 * then all pods are checked through one pool of `concurrency`, so the time is that of the slowest workload, not the
 * sum. Returns the result whether or not the checks pass; throws (naming the app and workload) when a workload cannot
 * be verified at all, as verifyPods does for one.
 */
export async function verifyApps(kube: KubeClient, apps: AppToVerify[], options: VerifyAppsOptions): Promise<SpecVerifyResult> {
  const started = Date.now()
  const deadline = started + options.timeoutMs
  const checkReserveMs = Math.min(10_000, options.timeoutMs / 4)
  const workloads = apps.flatMap((app) => {
    const namespace = app.namespace ?? kube.namespace
    const expectations = keyExpectations(app)
    return app.workloads.map((ref): WorkloadTarget & {expectations: Expectation[]} => ({ref, namespace, expectations, label: `${app.name}: ${formatRef(ref)}`}))
  })
  const selections = await selectWorkloadPods(kube, workloads, {
    signal: AbortSignal.timeout(Math.max(options.timeoutMs - checkReserveMs, 1)),
    onProgress: options.onProgress,
  })
  workloads.forEach((workload, index) => {
    try {
      checkExpectationsNameFiles(workload.expectations, selections[index].pods.flatMap((pod) => injectionSpec(pod.metadata ?? {}, pod.spec).files))
    } catch (error) {
      throw Object.assign(error as Error, {message: `${workload.label}: ${(error as Error).message}`})
    }
  })

  const checkKube = kube.withSignal(AbortSignal.timeout(Math.max(deadline - Date.now(), 1)))
  const contexts = workloads.map(
    (workload): CheckContext => ({
      kube: checkKube,
      namespace: workload.namespace,
      container: options.container,
      expectations: workload.expectations,
      showSecrets: options.showSecrets,
      deadline,
      secretKeys: options.secretKeys,
    }),
  )
  const pods = selections.flatMap((selection, index) => selection.pods.map((pod) => ({index, pod})))
  options.onProgress?.(`checking ${pods.length} pods`)
  const reports: PodReport[][] = workloads.map(() => [])
  const finished = workloads.map(() => started)
  await mapWithConcurrency(pods, options.concurrency, async ({index, pod}) => {
    reports[index].push(await checkPod(pod, contexts[index]))
    finished[index] = Date.now()
  })

  const results = workloads.map((workload, index): VerifyResult => {
    const podReports = reports[index].sort((a, b) => a.pod.localeCompare(b.pod))
    const summary = summarize(podReports)
    const {target, selector} = selections[index]
    return {target, namespace: workload.namespace, ...(selector ? {selector} : {}), passed: summary.failed === 0, summary, pods: podReports, seconds: Math.round((finished[index] - started) / 100) / 10}
  })
  let next = 0
  const byApp = apps.map((app) => ({app: app.name, namespace: app.namespace ?? kube.namespace, workloads: results.slice(next, (next += app.workloads.length))}))
  const summary = {
    workloads: results.length,
    pods: results.reduce((n, r) => n + r.summary.pods, 0),
    checks: results.reduce((n, r) => n + r.summary.checks, 0),
    failed: results.reduce((n, r) => n + r.summary.failed, 0),
  }
  return {file: options.file, passed: summary.failed === 0, apps: byApp, summary, seconds: seconds(started)}
}

/** The human report: each app, the table of each of its workloads, and a summary line. */
export function renderAppsReport(result: SpecVerifyResult): string {
  const lines: string[] = []
  for (const app of result.apps) {
    lines.push(`app ${app.app} (namespace ${app.namespace})${app.workloads.length === 0 ? ': no workloads' : ''}`)
    for (const workload of app.workloads) lines.push(`${renderReport(workload)}\n`)
  }
  const {summary} = result
  lines.push(`${result.file}: ${summary.workloads} workloads, ${summary.pods} pods, ${summary.checks} checks, ${summary.failed} failed (${result.seconds}s)`)
  return lines.join('\n')
}

/** The error `vsi verify -f` exits 1 with: it carries the whole result for --json. */
export function appsVerifyFailed(result: SpecVerifyResult): VsiError {
  const {summary} = result
  return new VsiError(`${summary.failed} of ${summary.checks} checks failed across ${summary.workloads} workloads of ${result.file}`, {code: 'verify-failed', result})
}
