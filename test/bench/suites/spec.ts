/**
 * `vsi apply -f vsi.yaml` for 1, 10 and 50 apps in 5 namespaces (2 secrets with data each, no workloads) on a fresh
 * dev-mode Vault found in the cluster. Each count is applied twice on fresh worlds: with no added latency and with
 * LATENCY_MS added to every Vault and every Kubernetes request (the 50 ms). The difference, divided by the
 * latency, is the number of dependent round trips the run waited for (it does not depend on how fast this machine issues requests, which the wave
 * count of the setup suite does once hundreds of requests go out together). Target: it does not grow with the app
 * count. Also: a re-apply writes nothing; the CLI's peak RSS stays under 200 MB at 50 apps.
 * Alone: `npm run build && npx tsx test/bench/run.ts spec`.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startVaultWorld, type VaultWorld} from '../../helpers/vault-world.js'
import {projectRoot, runChild, type BenchMeasurement, type BenchSuite, type ChildRun} from '../harness.js'

const LATENCY_MS = 50
const APP_COUNTS = [1, 10, 50]
const NAMESPACES = 5

function specFile(apps: number): string {
  const lines = ['apiVersion: vsi/v1', 'kind: Injection', 'apps:']
  for (let i = 0; i < apps; i++) {
    lines.push(
      `  - name: app-${i}`,
      `    namespace: team-${i % NAMESPACES}`,
      '    secrets:',
      `      - {file: db.txt, path: internal/app-${i}/db, data: {user: {value: user-${i}}, password: {fromEnv: BENCH_PASSWORD}}}`,
      `      - {file: api.txt, path: internal/app-${i}/api, data: {key: {fromEnv: BENCH_PASSWORD}}}`,
    )
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-bench-spec-')), 'vsi.yaml')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

function apply(world: VaultWorld, file: string): Promise<ChildRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VAULT_|KUBECONFIG$|CI$)/.test(key)))
  return runChild({
    label: 'vsi apply',
    command: process.execPath,
    args: ['bin/run.js', 'apply', '-f', file],
    cwd: projectRoot,
    env: {...env, HOME: mkdtempSync(path.join(tmpdir(), 'vsi-bench-home-')), BENCH_PASSWORD: 'bench-password', ...world.env()},
  })
}

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD'

interface Sample {
  freshMs: number
  maxRssMb: number
  rerunMs: number
  rerunWrites: number
}

async function sample(apps: number, latencyMs: number): Promise<Sample> {
  const world = await startVaultWorld()
  try {
    for (let n = 0; n < NAMESPACES; n++) world.kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: `team-${n}`}})
    world.vault.faults.latencyMs(latencyMs)
    world.kube.latencyMs(latencyMs)
    const file = specFile(apps)
    const fresh = await apply(world, file)
    if (fresh.code !== 0) throw new Error(`vsi apply (${apps} apps) failed: ${fresh.stderr}`)
    const mark = world.mark()
    const again = await apply(world, file)
    if (again.code !== 0) throw new Error(`vsi apply (${apps} apps, again) failed: ${again.stderr}`)
    const rerunWrites = mark.vault().filter((r) => isWrite(r.method)).length + mark.kube().filter((r) => isWrite(r.method)).length
    return {freshMs: fresh.ms, maxRssMb: fresh.maxRssMb, rerunMs: again.ms, rerunWrites}
  } finally {
    await world.stop()
  }
}

export async function runSpecBench(): Promise<BenchMeasurement[]> {
  const measurements: BenchMeasurement[] = []
  const roundTrips = new Map<number, number>()
  for (const apps of APP_COUNTS) {
    const fast = await sample(apps, 0)
    const slow = await sample(apps, LATENCY_MS)
    const waited = Math.max(0, Math.round((slow.freshMs - fast.freshMs) / LATENCY_MS))
    roundTrips.set(apps, waited)
    measurements.push(
      {metric: `${apps} apps: fresh apply, no added latency`, value: Math.round(fast.freshMs), unit: 'ms'},
      {metric: `${apps} apps: fresh apply, ${LATENCY_MS} ms per Vault and Kubernetes request`, value: Math.round(slow.freshMs), unit: 'ms'},
      {metric: `${apps} apps: round trips waited for ((slow − fast) ÷ ${LATENCY_MS} ms)`, value: waited, unit: 'waves'},
      {metric: `${apps} apps: peak RSS of the CLI`, value: Math.round(Math.max(fast.maxRssMb, slow.maxRssMb)), unit: 'MB', target: '< 200 MB', ok: Math.max(fast.maxRssMb, slow.maxRssMb) < 200},
      {metric: `${apps} apps: re-apply (${LATENCY_MS} ms latency)`, value: Math.round(slow.rerunMs), unit: `ms, ${slow.rerunWrites + fast.rerunWrites} writes`, target: '0 writes', ok: slow.rerunWrites + fast.rerunWrites === 0},
    )
  }
  const most = APP_COUNTS.at(-1)!
  const ratio = roundTrips.get(most)! / Math.max(roundTrips.get(1)!, 1)
  measurements.push({metric: `round trips waited for, ${most} apps ÷ 1 app`, value: Math.round(ratio * 100) / 100, unit: '×', target: '≤ 1.5× (waves do not grow with apps)', ok: ratio <= 1.5})
  return measurements
}

const suite: BenchSuite = {name: 'spec', description: `vsi apply -f of ${APP_COUNTS.join('/')} apps in ${NAMESPACES} namespaces, with and without ${LATENCY_MS} ms Vault and Kubernetes latency`, run: runSpecBench}

export default suite
