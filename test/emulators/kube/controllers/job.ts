import type {Cluster} from '../cluster.js'
import type {KubeObject} from '../types.js'

import {now, ownedBy, type Condition} from './util.js'
import {createPodFor, podFromTemplate} from './replicaset.js'

/** pkg/controller/job/job_controller.go: the finalizer that keeps a finished pod until the controller has counted it. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking'

const isFinished = (job: KubeObject) => ((job.status?.conditions ?? []) as Condition[]).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')

/**
 * The Job controller (pkg/controller/job/job_controller.go syncJob), NonIndexed completion mode:
 * - creates up to min(parallelism, completions - succeeded) pods from the template (generateName `<job>-`, the
 *   job-tracking finalizer, a controller reference);
 * - counts each finished pod once, removing its finalizer (trackJobStatusAndRemoveFinalizers);
 * - success: SuccessCriteriaMet, then Complete, reason CompletionsReached (JobSuccessPolicy and
 *   JobPodReplacementPolicy are on in 1.32, so delayTerminalCondition() holds), completionTime;
 * - failure: more failed pods than backoffLimit (Never) or as many container restarts (OnFailure): FailureTarget,
 *   active pods deleted, then Failed, reason BackoffLimitExceeded;
 * - activeDeadlineSeconds: the same two steps with reason DeadlineExceeded.
 * Status carries ready and terminating (JobReadyPods, JobPodReplacementPolicy) and an empty uncountedTerminatedPods.
 */
export function reconcileJob(cluster: Cluster, namespace: string, name: string): void {
  const job = cluster.store.get('jobs', namespace, name)
  if (!job || isFinished(job)) return
  const status = structuredClone(job.status ?? {}) as Record<string, any>
  let succeeded = status.succeeded ?? 0
  let failed = status.failed ?? 0
  const pods = cluster.store.list('pods', namespace).filter((p) => ownedBy(p, job))
  for (const p of pods) {
    const phase = p.status?.phase
    const finalizers = (p.metadata.finalizers ?? []) as string[]
    if (!finalizers.includes(JOB_TRACKING_FINALIZER) || (phase !== 'Succeeded' && phase !== 'Failed')) continue
    if (phase === 'Succeeded') succeeded++
    else failed++
    const {finalizers: _f, ...meta} = p.metadata
    const rest = finalizers.filter((f) => f !== JOB_TRACKING_FINALIZER)
    cluster.store.update('pods', {...p, metadata: {...meta, ...(rest.length ? {finalizers: rest} : {})}})
  }
  const active = pods.filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase))
  const spec = job.spec
  if (spec.suspend) return writeJobStatus(cluster, job, {...status, succeeded, failed, active: 0})
  status.startTime ??= now()
  let conditions = (status.conditions ?? []) as Condition[]
  const completions = spec.completions ?? undefined
  const restarts = active.reduce((n, p) => n + ((p.status?.containerStatuses ?? []) as Array<{restartCount?: number}>).reduce((m, s) => m + (s.restartCount ?? 0), 0), 0)
  const backoffExceeded = spec.template.spec.restartPolicy === 'OnFailure' ? spec.backoffLimit === 0 ? false : restarts >= spec.backoffLimit : failed > spec.backoffLimit
  const deadlineExceeded = spec.activeDeadlineSeconds !== undefined && Date.now() - Date.parse(status.startTime) >= spec.activeDeadlineSeconds * 1000
  // syncJob counts ready among the active pods on every sync (countReadyPods), so it is 0 once none is active
  const ready = active.filter((p) => ((p.status?.conditions ?? []) as Condition[]).some((c) => c.type === 'Ready' && c.status === 'True')).length
  const complete = completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0
  // newCondition: both timestamps are the time of the transition
  const terminal = (type: string, reason: string, message: string) => {
    const t = now()
    conditions = [...conditions.filter((c) => c.type !== type), {type, status: 'True', lastProbeTime: t as never, lastTransitionTime: t, reason, message}]
  }
  if (complete) {
    terminal('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods')
    terminal('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')
    cluster.event(job, 'Normal', 'Completed', 'Job completed', 'job-controller')
    return writeJobStatus(cluster, job, {...status, succeeded, failed, active: 0, ready, completionTime: now(), conditions})
  }
  if (backoffExceeded || deadlineExceeded) {
    const [reason, message] = backoffExceeded ? ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'] : ['DeadlineExceeded', 'Job was active longer than specified deadline']
    terminal('FailureTarget', reason, message)
    for (const p of active) {
      cluster.store.delete('pods', namespace, p.metadata.name)
      cluster.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'job-controller')
    }
    terminal('Failed', reason, message)
    cluster.event(job, 'Warning', reason, message, 'job-controller')
    return writeJobStatus(cluster, job, {...status, succeeded, failed: failed + (backoffExceeded ? 0 : active.length), active: 0, ready: 0, conditions})
  }
  const wanted = Math.min(spec.parallelism ?? 1, completions === undefined ? spec.parallelism ?? 1 : completions - succeeded)
  let created = 0
  for (let i = active.length; i < wanted; i++) {
    const pod = podFromTemplate(job)
    pod.metadata.finalizers = [JOB_TRACKING_FINALIZER]
    if (createPodFor(cluster, job, pod, 'job-controller')) break
    created++
  }
  if (spec.activeDeadlineSeconds !== undefined) {
    const left = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - Date.now()
    cluster.after(Math.max(left, 0) + 10, () => cluster.queue.enqueue(`Job/${namespace}/${name}`, () => reconcileJob(cluster, namespace, name)))
  }
  writeJobStatus(cluster, job, {...status, succeeded, failed, active: active.length + created, ready, conditions})
}

/** The JSON of JobStatus: active/succeeded/failed omitted when 0, ready and terminating always present. */
function writeJobStatus(cluster: Cluster, job: KubeObject, s: Record<string, any>): void {
  const {conditions, startTime, completionTime, active, succeeded, failed, ready} = s
  cluster.writeStatus(job, {
    ...(conditions?.length ? {conditions} : {}),
    ...(startTime ? {startTime} : {}),
    ...(completionTime ? {completionTime} : {}),
    ...(active ? {active} : {}),
    ...(succeeded ? {succeeded} : {}),
    ...(failed ? {failed} : {}),
    terminating: 0,
    uncountedTerminatedPods: {},
    ready: ready ?? 0,
  })
}
