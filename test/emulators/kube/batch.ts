import {randomUUID} from 'node:crypto'

import type {KubeObject} from './types.js'

import {matchesSelectorObject} from './selectors.js'
import {fieldError, validatePodSpec, type Cause} from './validation.js'

/** batch/v1 Jobs and CronJobs as the API server's registry admits them (kubernetes/kubernetes pkg/registry/batch, pkg/apis/batch). */

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name'
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid'

/** pkg/apis/batch/v1/defaults.go SetDefaults_Job (with JobPodReplacementPolicy, beta in 1.32: TerminatingOrFailed). */
export function defaultJobSpec(spec: Record<string, unknown>, meta?: {labels?: Record<string, string>}): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1
  spec.parallelism ??= 1
  spec.backoffLimit ??= 6
  spec.completionMode ??= 'NonIndexed'
  spec.suspend ??= false
  spec.podReplacementPolicy ??= 'TerminatingOrFailed'
  const templateLabels = (spec.template as {metadata?: {labels?: Record<string, string>}} | undefined)?.metadata?.labels
  if (meta && templateLabels && !Object.keys(meta.labels ?? {}).length) meta.labels = {...templateLabels}
}

/** SetDefaults_CronJob. */
export function defaultCronJobSpec(spec: Record<string, unknown>): void {
  spec.concurrencyPolicy ??= 'Allow'
  spec.suspend ??= false
  spec.successfulJobsHistoryLimit ??= 3
  spec.failedJobsHistoryLimit ??= 1
}

/**
 * pkg/registry/batch/job/strategy.go generateSelector (run from Validate once the uid is set): unless
 * manualSelector, the selector is the controller-uid label and the template carries the job-name and
 * controller-uid labels, both in their batch.kubernetes.io/ and legacy unprefixed forms.
 */
export function prepareJob(job: KubeObject): void {
  job.metadata.uid ??= randomUUID()
  if (job.spec?.manualSelector === true) return
  const uid = job.metadata.uid
  const name = job.metadata.name
  job.spec.template ??= {}
  job.spec.template.metadata ??= {}
  job.spec.template.metadata.labels = {
    ...job.spec.template.metadata.labels,
    [CONTROLLER_UID_LABEL]: uid,
    [JOB_NAME_LABEL]: name,
    'controller-uid': uid,
    'job-name': name,
  }
  job.spec.selector ??= {matchLabels: {[CONTROLLER_UID_LABEL]: uid}}
}

/** pkg/apis/batch/validation/validation.go validateJobSpec / ValidateCronJobSpec, the checks users meet. */
export function validateBatch(obj: KubeObject): Cause[] {
  if (obj.kind === 'Job') return validateJobSpec(obj.spec ?? {}, 'spec', true)
  const causes: Cause[] = []
  const spec = obj.spec ?? {}
  if (!spec.schedule) causes.push(fieldError.required('spec.schedule'))
  else {
    const error = parseSchedule(spec.schedule).error
    if (error) causes.push(fieldError.invalid('spec.schedule', spec.schedule, error))
  }
  if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) {
    causes.push({reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.concurrencyPolicy)}: supported values: "Allow", "Forbid", "Replace"`, field: 'spec.concurrencyPolicy'})
  }
  // ValidateCronJobCreate: the controller appends an 11-character suffix to the Job name
  if (obj.metadata.name && obj.metadata.name.length > 52) causes.push(fieldError.invalid('metadata.name', obj.metadata.name, 'must be no more than 52 characters'))
  causes.push(...validateJobSpec(spec.jobTemplate?.spec ?? {}, 'spec.jobTemplate.spec', false))
  return causes
}

function validateJobSpec(spec: Record<string, any>, path: string, isJob: boolean): Cause[] {
  const causes: Cause[] = []
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit']) {
    if (typeof spec[f] === 'number' && spec[f] < 0) causes.push(fieldError.invalid(`${path}.${f}`, spec[f], 'must be greater than or equal to 0'))
  }
  const template = spec.template ?? {}
  if (isJob) {
    if (!spec.selector) causes.push(fieldError.required(`${path}.selector`))
    else if (!matchesSelectorObject(template.metadata?.labels, spec.selector)) {
      causes.push(fieldError.invalid(`${path}.template.metadata.labels`, template.metadata?.labels ?? {}, '`selector` does not match template `labels`'))
    }
  }
  const restartPolicy = template.spec?.restartPolicy
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    causes.push({reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(restartPolicy ?? '')}: supported values: "OnFailure", "Never"`, field: `${path}.template.spec.restartPolicy`})
  }
  if (template.spec?.containers) causes.push(...validatePodSpec(template.spec, `${path}.template.spec`))
  return causes
}

type Field = {min: number; max: number; names?: string[]}
const FIELDS: Field[] = [
  {min: 0, max: 59},
  {min: 0, max: 23},
  {min: 1, max: 31},
  {min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']},
  {min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']},
]
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

export interface Schedule {
  sets: Array<Set<number>>
  /** robfig/cron: when both day-of-month and day-of-week are restricted, either may match */
  domStar: boolean
  dowStar: boolean
}

/** github.com/robfig/cron/v3 ParseStandard (what the CronJob controller and validation use), with its error texts. */
export function parseSchedule(text: string): {schedule?: Schedule; error?: string} {
  const spec = DESCRIPTORS[text.trim()] ?? text.trim()
  if (spec.startsWith('@')) return {error: `unrecognized descriptor: ${spec}`}
  const fields = spec.split(/\s+/).filter(Boolean)
  if (fields.length !== 5) return {error: `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`}
  const sets: Array<Set<number>> = []
  for (const [i, f] of fields.entries()) {
    const set = new Set<number>()
    for (const part of f.split(',')) {
      const error = addRange(set, part, FIELDS[i])
      if (error) return {error}
    }
    sets.push(set)
  }
  return {schedule: {sets, domStar: fields[2] === '*' || fields[2] === '?', dowStar: fields[4] === '*' || fields[4] === '?'}}
}

function addRange(set: Set<number>, expr: string, field: Field): string | undefined {
  const [range, stepText] = expr.split('/')
  const value = (s: string) => {
    const named = field.names?.indexOf(s.toLowerCase()) ?? -1
    if (named >= 0) return named + field.min
    return /^\d+$/.test(s) ? Number(s) : NaN
  }
  let start: number
  let end: number
  if (range === '*' || range === '?') [start, end] = [field.min, field.max]
  else {
    const [a, b] = range.split('-')
    start = value(a)
    end = b === undefined ? (stepText ? field.max : start) : value(b)
    if (Number.isNaN(start)) return `failed to parse int from ${a}: strconv.Atoi: parsing ${JSON.stringify(a)}: invalid syntax`
    if (Number.isNaN(end)) return `failed to parse int from ${b}: strconv.Atoi: parsing ${JSON.stringify(b)}: invalid syntax`
  }
  const step = stepText === undefined ? 1 : Number(stepText)
  if (start < field.min) return `beginning of range (${start}) below minimum (${field.min}): ${expr}`
  if (end > field.max) return `end of range (${end}) above maximum (${field.max}): ${expr}`
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`
  if (!(step > 0)) return `step of range should be a positive number: ${expr}`
  for (let v = start; v <= end; v += step) set.add(v)
  return undefined
}

function matches(s: Schedule, t: Date): boolean {
  const [min, hour, dom, month, dow] = s.sets
  if (!min.has(t.getUTCMinutes()) || !hour.has(t.getUTCHours()) || !month.has(t.getUTCMonth() + 1)) return false
  const domOk = dom.has(t.getUTCDate())
  const dowOk = dow.has(t.getUTCDay())
  return s.domStar || s.dowStar ? domOk && dowOk : domOk || dowOk
}

/**
 * pkg/controller/cronjob/utils.go mostRecentScheduleTime: the latest schedule time after `earliest` and not after
 * `now` (minute resolution, UTC — minikube's controller manager runs in UTC), and the next one after `now`.
 */
export function scheduleTimes(s: Schedule, earliest: number, now: number): {mostRecent?: number; next: number} {
  const minute = 60_000
  let mostRecent: number | undefined
  let t = Math.floor(earliest / minute) * minute + minute
  for (; t <= now; t += minute) if (matches(s, new Date(t))) mostRecent = t
  for (let i = 0; i < 60 * 24 * 366 && !matches(s, new Date(t)); i++) t += minute
  return {mostRecent, next: t}
}
