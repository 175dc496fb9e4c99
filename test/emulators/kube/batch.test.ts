import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startKubeEmulator, type KubeEmulator} from './index.js'
import {hasKubectl, kubectlFor} from './test-support.js'

const jobYaml = (name: string, opts: {command: string; restartPolicy?: string; backoffLimit?: number; annotations?: Record<string, string>; serviceAccountName?: string}) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${opts.backoffLimit === undefined ? '' : `  backoffLimit: ${opts.backoffLimit}\n`}  template:
    metadata:
      annotations: ${JSON.stringify(opts.annotations ?? {})}
    spec:
${opts.serviceAccountName ? `      serviceAccountName: ${opts.serviceAccountName}\n` : ''}      restartPolicy: ${opts.restartPolicy ?? 'Never'}
      containers:
      - name: app
        image: busybox:1.36
        command: ["sh", "-c", ${JSON.stringify(opts.command)}]
`

const injected = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'internal-app',
  'vault.hashicorp.com/agent-inject-secret-database-config.txt': 'internal/data/database/config',
}

describe.skipIf(!hasKubectl)('batch/v1 Jobs and CronJobs driven by the real kubectl', () => {
  let kube: KubeEmulator
  let kubectl: ReturnType<typeof kubectlFor>

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    kubectl = kubectlFor(kube)
    expect((await kubectl(['create', 'serviceaccount', 'internal-app'])).code).toBe(0)
  })
  afterAll(() => kube?.stop())

  it('runs a Job created by kubectl create job to completion: conditions, counts, table, logs', async () => {
    const created = await kubectl(['create', 'job', 'hello', '--image=busybox:1.36', '--', 'sh', '-c', 'echo hello from the job'])
    expect(created).toMatchObject({code: 0, stdout: 'job.batch/hello created\n'})
    const waited = await kubectl(['wait', '--for=condition=complete', 'job/hello', '--timeout=20s'])
    expect(waited).toMatchObject({code: 0, stdout: 'job.batch/hello condition met\n'})
    const job = JSON.parse((await kubectl(['get', 'job', 'hello', '-o', 'json'])).stdout)
    expect(job.spec).toMatchObject({completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed'})
    expect(job.spec.selector).toEqual({matchLabels: {'batch.kubernetes.io/controller-uid': job.metadata.uid}})
    expect(job.spec.template.metadata.labels).toMatchObject({'batch.kubernetes.io/job-name': 'hello', 'job-name': 'hello', 'controller-uid': job.metadata.uid})
    expect(job.status).toMatchObject({succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {}})
    expect(job.status.active).toBeUndefined()
    expect(job.status.conditions.map((c: {type: string; reason: string; message: string}) => [c.type, c.reason, c.message])).toEqual([
      ['SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ])
    expect(job.status.completionTime).toMatch(/Z$/)
    const table = await kubectl(['get', 'job', 'hello'])
    expect(table.stdout).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nhello\s+Complete\s+1\/1\s+\d+s\s+\d+s\n$/)
    const logs = await kubectl(['logs', 'job/hello'])
    expect(logs).toMatchObject({code: 0, stdout: 'hello from the job\n'})
    const pods = await kubectl(['get', 'pods', '-l', 'batch.kubernetes.io/job-name=hello', '-o', 'json'])
    const [pod] = JSON.parse(pods.stdout).items
    expect(pod.metadata.ownerReferences[0]).toMatchObject({apiVersion: 'batch/v1', kind: 'Job', name: 'hello', controller: true, blockOwnerDeletion: true})
    // the job-tracking finalizer is gone once the controller has counted the pod
    expect(pod.metadata.finalizers).toBeUndefined()
    expect(pod.status.phase).toBe('Succeeded')
    expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({exitCode: 0, reason: 'Completed'})
    const podTable = await kubectl(['get', 'pods', '-l', 'job-name=hello'])
    expect(podTable.stdout).toMatch(/\nhello-[a-z0-9]{5}\s+0\/1\s+Completed\s+0\s+/)
  })

  it('fails a Job whose pods fail more often than backoffLimit allows', async () => {
    expect((await kubectl(['apply', '-f', '-'], jobYaml('broken', {command: 'echo boom >&2; exit 3', backoffLimit: 1}))).code).toBe(0)
    const waited = await kubectl(['wait', '--for=condition=failed', 'job/broken', '--timeout=20s'])
    expect(waited.code).toBe(0)
    const job = JSON.parse((await kubectl(['get', 'job', 'broken', '-o', 'json'])).stdout)
    expect(job.status.failed).toBe(2)
    expect(job.status.succeeded).toBeUndefined()
    expect(job.status.completionTime).toBeUndefined()
    expect(job.status.conditions.map((c: {type: string; reason: string}) => [c.type, c.reason])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded'],
      ['Failed', 'BackoffLimitExceeded'],
    ])
    expect((await kubectl(['get', 'job', 'broken'])).stdout).toMatch(/\nbroken\s+Failed\s+0\/1\s+/)
    const pods = await kubectl(['get', 'pods', '-l', 'job-name=broken', '-o', 'jsonpath={range .items[*]}{.status.phase} {.status.containerStatuses[0].state.terminated.exitCode}{"\\n"}{end}'])
    expect(pods.stdout).toBe('Failed 3\nFailed 3\n')
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=broken', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}'])
    expect(events.stdout).toContain('BackoffLimitExceeded: Job has reached the specified backoff limit\n')
  })

  it('rejects a Job whose pods would restart Always with the validation message of the API server', async () => {
    const created = await kubectl(['create', '-f', '-'], jobYaml('always', {command: 'true', restartPolicy: 'Always'}))
    expect(created.code).toBe(1)
    expect(created.stderr).toBe('The Job "always" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"\n')
    expect(kube.store.get('jobs', 'default', 'always')).toBeUndefined()
  })

  it('never completes a Job whose pod runs the vault-agent sidecar: the app exits, the agent keeps the pod Running', async () => {
    expect((await kubectl(['apply', '-f', '-'], jobYaml('with-sidecar', {command: 'echo read', annotations: injected, serviceAccountName: 'internal-app'}))).code).toBe(0)
    const pod = await kube.waitFor('pods', 'default', podName('with-sidecar'), (p) => p.status?.containerStatuses?.[0]?.state?.terminated !== undefined)
    await kube.settle()
    expect(pod.spec.containers.map((c: {name: string}) => c.name)).toEqual(['app', 'vault-agent'])
    const job = kube.store.get('jobs', 'default', 'with-sidecar')!
    expect(job.status).toMatchObject({active: 1, ready: 0})
    expect(job.status.conditions).toBeUndefined()
    const table = await kubectl(['get', 'pods', '-l', 'job-name=with-sidecar'])
    expect(table.stdout).toMatch(/\nwith-sidecar-[a-z0-9]{5}\s+1\/2\s+NotReady\s+0\s+/)
    expect((await kubectl(['get', 'job', 'with-sidecar'])).stdout).toMatch(/\nwith-sidecar\s+Running\s+0\/1\s+/)
    expect((await kubectl(['logs', 'job/with-sidecar', '-c', 'app'])).stdout).toBe('read\n')
  })

  it('completes the same Job once agent-pre-populate-only leaves only the init container', async () => {
    const annotations = {...injected, 'vault.hashicorp.com/agent-pre-populate-only': 'true'}
    const applied = await kubectl(['apply', '-f', '-'], jobYaml('prepopulated', {command: 'echo read', annotations, serviceAccountName: 'internal-app'}))
    expect(applied).toMatchObject({code: 0, stderr: ''})
    expect((await kubectl(['wait', '--for=condition=complete', 'job/prepopulated', '--timeout=20s'])).code).toBe(0)
    const [pod] = JSON.parse((await kubectl(['get', 'pods', '-l', 'job-name=prepopulated', '-o', 'json'])).stdout).items
    expect(pod.spec.initContainers.map((c: {name: string}) => c.name)).toEqual(['vault-agent-init'])
    expect(pod.spec.containers.map((c: {name: string}) => c.name)).toEqual(['app'])
    expect(pod.status.phase).toBe('Succeeded')
  })

  it('creates a Job from a CronJob by hand (kubectl create job --from=cronjob/…) and on schedule', async () => {
    const created = await kubectl(['create', 'cronjob', 'tick', '--image=busybox:1.36', '--schedule=*/5 * * * *', '--', 'sh', '-c', 'echo tick'])
    expect(created).toMatchObject({code: 0, stdout: 'cronjob.batch/tick created\n'})
    const table = await kubectl(['get', 'cronjobs'])
    expect(table.stdout).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\ntick\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s\n$/)
    const manual = await kubectl(['create', 'job', 'tick-manual', '--from=cronjob/tick'])
    expect(manual).toMatchObject({code: 0, stdout: 'job.batch/tick-manual created\n'})
    expect((await kubectl(['wait', '--for=condition=complete', 'job/tick-manual', '--timeout=20s'])).code).toBe(0)
    expect(kube.store.get('jobs', 'default', 'tick-manual')!.metadata.annotations).toMatchObject({'cronjob.kubernetes.io/instantiate': 'manual'})

    const cj = kube.store.get('cronjobs', 'default', 'tick')!
    const boundary = Math.floor(Date.parse(cj.metadata.creationTimestamp!) / 300_000) * 300_000 + 300_000
    kube.setClock(() => boundary + 1_000)
    const jobName = `tick-${boundary / 60_000}`
    await kube.waitFor('jobs', 'default', jobName, (j) => Boolean(j.status?.completionTime))
    await kube.settle()
    const scheduled = kube.store.get('jobs', 'default', jobName)!
    expect(scheduled.metadata.annotations).toEqual({'batch.kubernetes.io/cronjob-scheduled-timestamp': new Date(boundary).toISOString().replace('.000Z', 'Z')})
    expect(scheduled.metadata.ownerReferences![0]).toMatchObject({kind: 'CronJob', name: 'tick', controller: true})
    const status = kube.store.get('cronjobs', 'default', 'tick')!.status
    expect(status.lastScheduleTime).toBe(new Date(boundary).toISOString().replace('.000Z', 'Z'))
    expect(status.lastSuccessfulTime).toBe(scheduled.status.completionTime)
    expect(status.active).toBeUndefined()
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=tick', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}'])
    expect(events.stdout).toContain(`SuccessfulCreate: Created job ${jobName}\n`)
    expect(events.stdout).toContain(`SawCompletedJob: Saw completed job: ${jobName}, condition: Complete\n`)
  })

  it('rejects a CronJob whose schedule does not parse, with robfig/cron\'s message', async () => {
    const created = await kubectl(['create', 'cronjob', 'bad', '--image=busybox:1.36', '--schedule=every minute', '--', 'true'])
    expect(created.code).toBe(1)
    expect(created.stderr).toBe('error: failed to create cronjob: CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]\n')
  })

  function podName(job: string): string {
    const pod = kube.store.list('pods', 'default').find((p) => p.metadata.labels?.['job-name'] === job)
    if (!pod) throw new Error(`no pod for job ${job}`)
    return pod.metadata.name
  }
})
