/**
 * `vsi verify` on 50 pods of one deployment, against the loop a user would otherwise write:
 *
 *   for pod in $(kubectl get pods -l app=orgchart -o name); do kubectl exec "$pod" -c orgchart -- cat FILE; done
 *
 * Both run against the same Kubernetes emulator (in this process, so it serves both alike). Targets: vsi's wall time
 * ≤ 0.25× the loop's, and vsi's peak RSS < 250 MB. Each side runs ROUNDS times, interleaved; the median counts.
 * Run: `npm run bench -- verify`.
 */
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {KubeEmulator, KubeObject} from '../../emulators/kube/index.js'
import {startKubeEmulator} from '../../emulators/kube/index.js'
import type {BenchMeasurement, BenchSuite, ChildCommand, ChildRun} from '../harness.js'
import {available, median, projectRoot, round, runChild} from '../harness.js'

const PODS = 50
const ROUNDS = 5
const FILE = '/vault/secrets/database-config.txt'
const CONTENT = 'data: map[password:db-secret-password username:db-readonly-username]\nmetadata: map[version:1]\n'
const vsi = (args: string[]): ChildCommand => ({label: `vsi ${args[0]}`, command: process.execPath, args: [path.join(projectRoot, 'bin/run.js'), ...args]})

async function mustRun(command: ChildCommand): Promise<ChildRun> {
  const run = await runChild(command)
  if (run.code !== 0) throw new Error(`${command.label} failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`)
  return run
}

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

/** The loop a user would write: one `kubectl exec … cat` per pod, one after the other. */
async function kubectlLoop(pods: string[], kubeconfig: string): Promise<number> {
  const started = performance.now()
  for (const pod of pods) {
    const run = await mustRun({label: `kubectl exec ${pod}`, command: 'kubectl', args: ['exec', pod, '-c', 'orgchart', '--', 'cat', FILE], env: {KUBECONFIG: kubeconfig}})
    if (run.stdout !== CONTENT) throw new Error(`kubectl exec ${pod}: unexpected output`)
  }
  return performance.now() - started
}

async function runVerifyBench(): Promise<BenchMeasurement[]> {
  const kube = await startKubeEmulator({preset: 'tutorial'})
  try {
    const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-bench-verify-')), 'config')
    kube.writeKubeconfig(kubeconfig)
    const pods = await injectedDeployment(kube)
    if (pods.length !== PODS) throw new Error(`bench setup: expected ${PODS} pods, got ${pods.length}`)
    const hasKubectl = await available('kubectl', ['version', '--client'])
    const verify = vsi(['verify', 'deployment/orgchart', '--json', '--kubeconfig', kubeconfig])
    // Start-up, kubeconfig, client-node and one API call: the floor under any vsi command that talks to a cluster.
    const floor = vsi(['verify', 'deployment/none', '--kubeconfig', kubeconfig])

    const verifyRuns: ChildRun[] = []
    const floorMs: number[] = []
    const loopMs: number[] = []
    // Interleaved, after a warm-up round, so that load on the machine hits both sides alike.
    for (let index = -1; index < ROUNDS; index++) {
      const run = await mustRun(verify)
      const envelope = JSON.parse(run.stdout) as {result?: {summary: {pods: number; failed: number}}}
      if (envelope.result?.summary.pods !== PODS || envelope.result.summary.failed !== 0) throw new Error('vsi verify did not check every pod')
      const floorRun = await runChild(floor)
      const loop = hasKubectl ? await kubectlLoop(pods, kubeconfig) : Number.NaN
      if (index < 0) continue
      verifyRuns.push(run)
      floorMs.push(floorRun.ms)
      loopMs.push(loop)
    }
    const verifyMs = median(verifyRuns.map((run) => run.ms))
    const peakRss = Math.max(...verifyRuns.map((run) => run.maxRssMb))
    const measurements: BenchMeasurement[] = [
      {metric: `vsi verify deployment/orgchart, ${PODS} pods (median of ${ROUNDS})`, value: round(verifyMs), unit: 'ms'},
      {metric: 'vsi start-up + kubeconfig + client-node + 1 API call', value: round(median(floorMs)), unit: 'ms'},
      {metric: 'vsi verify peak RSS', value: round(peakRss), unit: 'MB', target: '< 250 MB', ok: peakRss < 250},
    ]
    if (!hasKubectl) return [...measurements, {metric: 'kubectl exec loop', value: Number.NaN, unit: 'ms', target: 'kubectl not installed'}]
    const ratio = verifyMs / median(loopMs)
    return [
      ...measurements,
      {metric: `kubectl exec … cat loop, ${PODS} pods (median of ${ROUNDS})`, value: round(median(loopMs)), unit: 'ms'},
      {metric: 'vsi verify / kubectl loop', value: round(ratio, 2), unit: '×', target: '≤ 0.25×', ok: ratio <= 0.25},
    ]
  } finally {
    await kube.stop()
  }
}

const suite: BenchSuite = {name: 'verify', description: `vsi verify vs a kubectl exec loop over ${PODS} pods of one deployment`, run: runVerifyBench}
export default suite
