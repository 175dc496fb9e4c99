import type {Cluster} from '../cluster.js'
import type {KubeObject} from '../types.js'

import {parseSchedule, scheduleTimes} from '../batch.js'
import {StatusError} from '../errors.js'
import {ownedBy, ownerRef, type Condition} from './util.js'

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
const finishedCondition = (job: KubeObject) => ((job.status?.conditions ?? []) as Condition[]).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')

/**
 * The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go syncCronJob, utils.go): tracks its Jobs in
 * status.active, records SawCompletedJob and lastSuccessfulTime, trims finished Jobs to the history limits, and
 * at the most recent unmet schedule time creates `<name>-<minutes since epoch>` from the job template with the
 * cronjob-scheduled-timestamp annotation (concurrencyPolicy Forbid skips, Replace deletes the running Jobs).
 * Time comes from the cluster's clock (tests may move it); the next run is requeued for the next schedule time.
 */
export function reconcileCronJob(cluster: Cluster, namespace: string, name: string): void {
  const cj = cluster.store.get('cronjobs', namespace, name)
  if (!cj) return
  const status = structuredClone(cj.status ?? {}) as {active?: Array<Record<string, unknown>>; lastScheduleTime?: string; lastSuccessfulTime?: string}
  const jobs = cluster.store.list('jobs', namespace).filter((j) => ownedBy(j, cj))
  const wasActive = new Set((status.active ?? []).map((r) => r.uid))
  for (const job of jobs) {
    const done = finishedCondition(job)
    if (!done || !wasActive.has(job.metadata.uid)) continue
    cluster.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${done.type}`, 'cronjob-controller')
    if (done.type === 'Complete' && job.status?.completionTime && (!status.lastSuccessfulTime || status.lastSuccessfulTime < job.status.completionTime)) {
      status.lastSuccessfulTime = job.status.completionTime
    }
  }
  let active = jobs.filter((j) => !finishedCondition(j))
  trimHistory(cluster, cj, jobs.filter((j) => finishedCondition(j)?.type === 'Complete'), cj.spec.successfulJobsHistoryLimit)
  trimHistory(cluster, cj, jobs.filter((j) => finishedCondition(j)?.type === 'Failed'), cj.spec.failedJobsHistoryLimit)
  const parsed = parseSchedule(cj.spec.schedule).schedule
  if (!cj.spec.suspend && parsed) {
    const clock = cluster.now()
    const earliest = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp!)
    const {mostRecent, next} = scheduleTimes(parsed, earliest, clock)
    if (mostRecent !== undefined) {
      status.lastScheduleTime = rfc3339(mostRecent)
      if (cj.spec.concurrencyPolicy === 'Forbid' && active.length) {
        cluster.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', 'cronjob-controller')
      } else {
        if (cj.spec.concurrencyPolicy === 'Replace') {
          for (const j of active) {
            cluster.store.delete('jobs', namespace, j.metadata.name)
            cluster.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, 'cronjob-controller')
          }
          active = []
        }
        const job = createScheduledJob(cluster, cj, mostRecent)
        if (job) active.push(job)
      }
    }
    cluster.after(Math.max(next - clock, 0) + 10, () => cluster.queue.enqueue(`CronJob/${namespace}/${name}`, () => reconcileCronJob(cluster, namespace, name)))
  }
  const refs = active.map((j) => ({kind: 'Job', namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion}))
  cluster.writeStatus(cj, {
    ...(refs.length ? {active: refs} : {}),
    ...(status.lastScheduleTime ? {lastScheduleTime: status.lastScheduleTime} : {}),
    ...(status.lastSuccessfulTime ? {lastSuccessfulTime: status.lastSuccessfulTime} : {}),
  })
}

/** utils.go getJobFromTemplate2: the template's labels and annotations, the scheduled-time annotation, a controller reference. */
function createScheduledJob(cluster: Cluster, cj: KubeObject, scheduled: number): KubeObject | undefined {
  const template = cj.spec.jobTemplate ?? {}
  const name = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`
  if (cluster.store.get('jobs', cj.metadata.namespace, name)) return undefined
  try {
    const job = cluster.create(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          namespace: cj.metadata.namespace,
          labels: {...template.metadata?.labels},
          annotations: {...template.metadata?.annotations, 'batch.kubernetes.io/cronjob-scheduled-timestamp': rfc3339(scheduled)},
          ownerReferences: [ownerRef(cj)],
        },
        spec: structuredClone(template.spec ?? {}),
      },
      cj.metadata.namespace,
    )
    cluster.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`, 'cronjob-controller')
    return job
  } catch (error) {
    if (!(error instanceof StatusError)) throw error
    cluster.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${error.message}`, 'cronjob-controller')
    return undefined
  }
}

/** cleanupFinishedJobs: the oldest finished Jobs beyond the limit are deleted (background propagation). */
function trimHistory(cluster: Cluster, cj: KubeObject, finished: KubeObject[], limit: number | undefined): void {
  if (limit === undefined || finished.length <= limit) return
  const byStart = [...finished].sort((a, b) => String(a.status?.startTime ?? a.metadata.creationTimestamp).localeCompare(String(b.status?.startTime ?? b.metadata.creationTimestamp)))
  for (const j of byStart.slice(0, finished.length - limit)) {
    cluster.store.delete('jobs', j.metadata.namespace, j.metadata.name)
    cluster.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, 'cronjob-controller')
  }
}
