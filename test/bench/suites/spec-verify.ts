/**
 * `vsi verify -f vsi.yaml` over 50 apps × 2 pods (50 deployments in 5 namespaces) against the same command over one
 * app × 2 pods, on the Kubernetes emulator with LATENCY_MS added to every API answer (as the spec suite adds latency
 * to Vault). Target: 50 apps take at most 1.5× the time of one, i.e. the workloads are verified together and the
 * waits do not add up. Each side runs ROUNDS times, interleaved after a warm-up; the median counts. Also reports what
 * the emulator received per run: REST requests, exec streams, and the REST round trips waited for, counted in one more
 * run of each side with WAVE_LATENCY_MS per answer (waves: a request answered more than half that latency after the
 * current wave's first answer opens a new one; with 50 ms, the spread of answers on a loaded machine would count as
 * waves). Exec upgrades get no added latency: they are counted apart. The emulator's CPU per run (this process's,
 * while the CLI runs) is reported too: on a 2-core machine it competes with the CLI.
 * Alone: `npm run build && npx tsx test/bench/run.ts spec-verify`.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {KubeEmulator, KubeObject} from '../../emulators/kube/index.js'
import {startKubeEmulator} from '../../emulators/kube/index.js'
import type {BenchMeasurement, BenchSuite, ChildRun} from '../harness.js'
import {median, projectRoot, round, runChild} from '../harness.js'

const APPS = 50
const PODS_PER_APP = 2
const NAMESPACES = 5
const LATENCY_MS = 50
const WAVE_LATENCY_MS = 1000
const ROUNDS = 3
const FILE = 'db.json'

const namespaceOf = (app: number) => `team-${app % NAMESPACES}`

function specFile(apps: number): string {
  const lines = ['apiVersion: vsi/v1', 'kind: Injection', 'apps:']
  for (let i = 0; i < apps; i++) {
    lines.push(
      `  - name: app-${i}`,
      `    namespace: ${namespaceOf(i)}`,
      `    workloads: [deployment/app-${i}]`,
      '    secrets:',
      `      - {file: ${FILE}, path: internal/app-${i}/db, format: json, keys: [user, password]}`,
    )
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-bench-spec-verify-')), `vsi-${apps}.yaml`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

/** APPS injected deployments of PODS_PER_APP pods each, every pod with its rendered file in place. */
async function injectedApps(kube: KubeEmulator): Promise<void> {
  for (let n = 0; n < NAMESPACES; n++) kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: `team-${n}`}})
  const template = kube.store.get('Deployment', 'default', 'orgchart')!
  for (let i = 0; i < APPS; i++) {
    const [name, namespace] = [`app-${i}`, namespaceOf(i)]
    kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace}})
    const deployment: KubeObject = structuredClone(template)
    deployment.metadata = {name, namespace, labels: {app: name}}
    deployment.spec.replicas = PODS_PER_APP
    deployment.spec.selector = {matchLabels: {app: name}}
    deployment.spec.template.metadata = {
      labels: {app: name},
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': name,
        [`vault.hashicorp.com/agent-inject-secret-${FILE}`]: `internal/data/app-${i}/db`,
      },
    }
    deployment.spec.template.spec.serviceAccountName = name
    delete deployment.status
    kube.store.create(deployment)
  }
  await kube.settle()
  for (let i = 0; i < APPS; i++) {
    const pods = kube.store.list('pods', namespaceOf(i)).filter((pod) => pod.metadata.labels?.app === `app-${i}` && !pod.metadata.deletionTimestamp)
    if (pods.length !== PODS_PER_APP) throw new Error(`bench setup: app-${i} has ${pods.length} pods`)
    for (const pod of pods) kube.setRenderedFile(namespaceOf(i), pod.metadata.name, 'orgchart', `/vault/secrets/${FILE}`, `{"user": "u-${i}", "password": "p-${i}"}\n`)
  }
}

interface Traffic {
  /** CPU of this process (the emulator, answering) while the CLI ran, user + system. */
  emulatorCpuMs: number
  rest: number
  execs: number
  waves: number
}

/** Times at which the emulator answered each request (it records a request as it answers it). */
function stampRequests(kube: KubeEmulator): Array<{at: number; exec: boolean}> {
  const stamps: Array<{at: number; exec: boolean}> = []
  const push = kube.requests.push.bind(kube.requests)
  kube.requests.push = (...items) => {
    for (const item of items) stamps.push({at: performance.now(), exec: item.path.endsWith('/exec')})
    return push(...items)
  }
  return stamps
}

function waves(times: number[]): number {
  let count = 0
  let waveStart = -Infinity
  for (const time of [...times].sort((a, b) => a - b)) {
    if (time - waveStart > WAVE_LATENCY_MS / 2) {
      count++
      waveStart = time
    }
  }
  return count
}

async function verify(file: string, kubeconfig: string, pods: number, stamps: Array<{at: number; exec: boolean}>): Promise<ChildRun & Traffic> {
  stamps.length = 0
  const cpu = process.cpuUsage()
  const run = await runChild({label: 'vsi verify -f', command: process.execPath, args: [path.join(projectRoot, 'bin/run.js'), 'verify', '-f', file, '--json', '--kubeconfig', kubeconfig]})
  const envelope = JSON.parse(run.stdout || '{}') as {result?: {summary: {pods: number; failed: number}}}
  if (run.code !== 0 || envelope.result?.summary.pods !== pods || envelope.result.summary.failed !== 0) {
    throw new Error(`vsi verify -f ${path.basename(file)} did not pass on ${pods} pods (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`)
  }
  const {user, system} = process.cpuUsage(cpu)
  const rest = stamps.filter((stamp) => !stamp.exec)
  return {...run, emulatorCpuMs: (user + system) / 1000, rest: rest.length, execs: stamps.length - rest.length, waves: waves(rest.map((stamp) => stamp.at))}
}

async function runSpecVerifyBench(): Promise<BenchMeasurement[]> {
  const kube = await startKubeEmulator({preset: 'tutorial'})
  try {
    const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-bench-spec-verify-')), 'config')
    kube.writeKubeconfig(kubeconfig)
    await injectedApps(kube)
    kube.latencyMs(LATENCY_MS)
    const stamps = stampRequests(kube)
    const [one, all] = [specFile(1), specFile(APPS)]
    const oneRuns: Array<ChildRun & Traffic> = []
    const allRuns: Array<ChildRun & Traffic> = []
    // Interleaved, after a warm-up round, so that load on the machine hits both sides alike.
    for (let index = -1; index < ROUNDS; index++) {
      const small = await verify(one, kubeconfig, PODS_PER_APP, stamps)
      const large = await verify(all, kubeconfig, APPS * PODS_PER_APP, stamps)
      if (index < 0) continue
      oneRuns.push(small)
      allRuns.push(large)
    }
    kube.latencyMs(WAVE_LATENCY_MS)
    const oneWaves = (await verify(one, kubeconfig, PODS_PER_APP, stamps)).waves
    const allWaves = (await verify(all, kubeconfig, APPS * PODS_PER_APP, stamps)).waves
    const [oneMs, allMs] = [median(oneRuns.map((run) => run.ms)), median(allRuns.map((run) => run.ms))]
    const ratio = allMs / oneMs
    const peakRss = Math.max(...allRuns.map((run) => run.maxRssMb))
    return [
      {metric: `1 app × ${PODS_PER_APP} pods (median of ${ROUNDS})`, value: round(oneMs), unit: 'ms'},
      {metric: `${APPS} apps × ${PODS_PER_APP} pods in ${NAMESPACES} namespaces (median of ${ROUNDS})`, value: round(allMs), unit: 'ms'},
      {metric: `${APPS} apps ÷ 1 app`, value: round(ratio, 2), unit: '×', target: '≤ 1.5×', ok: ratio <= 1.5},
      {metric: `emulator CPU, 1 app (median of ${ROUNDS})`, value: round(median(oneRuns.map((run) => run.emulatorCpuMs))), unit: 'ms'},
      {metric: `emulator CPU, ${APPS} apps (median of ${ROUNDS})`, value: round(median(allRuns.map((run) => run.emulatorCpuMs))), unit: 'ms'},
      {metric: `peak RSS, ${APPS} apps`, value: round(peakRss), unit: 'MB', target: '< 200 MB', ok: peakRss < 200},
      ...traffic('1 app', oneRuns[0], oneWaves),
      ...traffic(`${APPS} apps`, allRuns[0], allWaves),
    ]
  } finally {
    await kube.stop()
  }
}

function traffic(label: string, run: Traffic, roundTrips: number): BenchMeasurement[] {
  return [
    {metric: `${label}: REST requests`, value: run.rest, unit: ''},
    {metric: `${label}: exec streams`, value: run.execs, unit: ''},
    {metric: `${label}: REST round trips waited for`, value: roundTrips, unit: 'waves'},
  ]
}

const suite: BenchSuite = {
  name: 'spec-verify',
  description: `vsi verify -f over ${APPS} apps × ${PODS_PER_APP} pods vs 1 app, ${LATENCY_MS} ms added to every Kubernetes API answer`,
  run: runSpecVerifyBench,
}
export default suite
