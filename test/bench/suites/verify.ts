/**
 * `vsi verify` on 50 pods of one deployment, against the loop a user would otherwise write:
 *
 *   for pod in $(kubectl get pods -l app=orgchart -o name); do kubectl exec "$pod" -c orgchart -- cat FILE; done
 *
 * Both run against the same Kubernetes emulator (in this process, so it serves both alike). Targets: vsi's wall time
 * ≤ 0.25× the loop's, and vsi's peak RSS < 250 MB. Each side runs RUNS times; the median counts.
 * Standalone: `npm run build && npx tsx test/bench/suites/verify.ts`.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import type {KubeEmulator, KubeObject} from '../../emulators/kube/index.js'
import {startKubeEmulator} from '../../emulators/kube/index.js'

const PODS = 50
const RUNS = 3
const FILE = '/vault/secrets/database-config.txt'
const CONTENT = 'data: map[password:db-secret-password username:db-readonly-username]\nmetadata: map[version:1]\n'
const projectRoot = fileURLToPath(new URL('../../..', import.meta.url))
/** Makes the child print its own peak RSS on exit: portable, unlike /usr/bin/time. */
const REPORT_MAX_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss-kb='+process.resourceUsage().maxRSS+'\\n'))`

export interface BenchMeasurement {
  metric: string
  value: number
  unit: string
  /** The goal, in words, and whether this run met it. */
  target?: string
  ok?: boolean
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ms: number; stdout: string; stderr: string; code: number}> {
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(command, args, {cwd: projectRoot, env: {...process.env, ...env}, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ms: performance.now() - started, stdout, stderr, code})
    })
  })
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function injectedDeployment(kube: KubeEmulator): Promise<string[]> {
  kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
  const deployment: KubeObject = structuredClone(kube.store.get('Deployment', 'default', 'orgchart')!)
  deployment.spec.replicas = PODS
  deployment.spec.template.metadata.annotations = {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'internal-app',
    'vault.hashicorp.com/agent-inject-secret-database-config.txt': 'internal/data/database/config',
  }
  kube.store.put(deployment)
  await kube.settle()
  const pods = kube.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'orgchart' && !p.metadata.deletionTimestamp)
  for (const pod of pods) kube.setRenderedFile('default', pod.metadata.name, 'orgchart', FILE, CONTENT)
  return pods.map((p) => p.metadata.name)
}

async function kubectlAvailable(): Promise<boolean> {
  return (await run('kubectl', ['version', '--client'])).code === 0
}

export async function runVerifyBench(): Promise<BenchMeasurement[]> {
  const kube = await startKubeEmulator({preset: 'tutorial'})
  try {
    const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-bench-verify-')), 'config')
    kube.writeKubeconfig(kubeconfig)
    const pods = await injectedDeployment(kube)
    if (pods.length !== PODS) throw new Error(`bench setup: expected ${PODS} pods, got ${pods.length}`)

    const vsiTimes: number[] = []
    const vsiRss: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const result = await run(process.execPath, ['--import', REPORT_MAX_RSS, 'bin/run.js', 'verify', 'deployment/orgchart', '--json', '--kubeconfig', kubeconfig])
      const envelope = JSON.parse(result.stdout) as {ok: boolean; result?: {summary: {pods: number}}}
      if (result.code !== 0 || !envelope.ok || envelope.result?.summary.pods !== PODS) throw new Error(`vsi verify failed: ${result.stderr}`)
      vsiTimes.push(result.ms)
      vsiRss.push(Number(/maxrss-kb=(\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1024)
    }

    const measurements: BenchMeasurement[] = [
      {metric: `vsi verify, ${PODS} pods (median of ${RUNS})`, value: Math.round(median(vsiTimes)), unit: 'ms'},
      {metric: 'vsi verify peak RSS (max)', value: Math.round(Math.max(...vsiRss)), unit: 'MB', target: '< 250 MB', ok: Math.max(...vsiRss) < 250},
    ]
    if (!(await kubectlAvailable())) return [...measurements, {metric: 'kubectl exec loop', value: NaN, unit: 'ms', target: 'kubectl not installed: skipped'}]

    const loopTimes: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now()
      for (const pod of pods) {
        const result = await run('kubectl', ['exec', pod, '-c', 'orgchart', '--', 'cat', FILE], {KUBECONFIG: kubeconfig})
        if (result.code !== 0 || result.stdout !== CONTENT) throw new Error(`kubectl exec ${pod} failed: ${result.stderr}`)
      }
      loopTimes.push(performance.now() - started)
    }
    const ratio = median(vsiTimes) / median(loopTimes)
    return [
      ...measurements,
      {metric: `kubectl exec … cat loop, ${PODS} pods (median of ${RUNS})`, value: Math.round(median(loopTimes)), unit: 'ms'},
      {metric: 'vsi / loop wall time', value: Math.round(ratio * 100) / 100, unit: '×', target: '≤ 0.25×', ok: ratio <= 0.25},
    ]
  } finally {
    await kube.stop()
  }
}

export default {name: 'verify', description: `vsi verify vs a kubectl exec loop over ${PODS} pods`, run: runVerifyBench}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const m of await runVerifyBench()) {
    console.log(`${m.metric}: ${m.value} ${m.unit}${m.target ? `  (target ${m.target}${m.ok === undefined ? '' : m.ok ? ': met' : ': NOT met'})` : ''}`)
  }
}
