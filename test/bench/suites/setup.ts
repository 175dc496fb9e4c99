/**
 * `vsi setup` of the whole tutorial on a fresh dev-mode Vault found in the cluster, with 50 ms added to every Vault
 * request. Target: wall time ≤ (dependent Vault round trips × 50 ms) + 1 s, i.e. independent requests go out
 * together. The round trips are counted from when the requests reached Vault (waves: a request that starts more
 * than half the latency after the current wave began opens a new one). Also reports the requests a fresh setup and a
 * re-run make (reads and writes; a re-run must write nothing). Each measurement is the median of RUNS fresh worlds.
 * Standalone: `npm run build && npx tsx test/bench/suites/setup.ts`.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {startVaultWorld, type VaultWorld} from '../../helpers/vault-world.js'
import {median, projectRoot, type BenchMeasurement, type BenchSuite} from '../harness.js'

const LATENCY_MS = 50
const RUNS = 3


interface RunResult {
  ms: number
  code: number
  stderr: string
}

function runSetup(world: VaultWorld, passwordFile: string): Promise<RunResult> {
  const args = ['bin/run.js', 'setup', '--secret', 'internal/database/config', 'username=db-readonly-username', `password=@${passwordFile}`, '--app', 'internal-app']
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VAULT_|KUBECONFIG$|CI$)/.test(key)))
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(process.execPath, args, {cwd: projectRoot, env: {...env, HOME: mkdtempSync(path.join(tmpdir(), 'vsi-bench-home-')), ...world.env()}}, (error, _stdout, stderr) => {
      resolve({ms: performance.now() - started, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr})
    })
  })
}

/** Timestamps each request as the emulator records it (after the injected latency, so arrival + latency). */
function stampRequests(world: VaultWorld): number[] {
  const stamps: number[] = []
  const requests = world.vault.requests
  const push = requests.push.bind(requests)
  requests.push = (...items) => {
    for (const _ of items) stamps.push(performance.now())
    return push(...items)
  }
  return stamps
}

function waves(stamps: number[]): number {
  let count = 0
  let waveStart = -Infinity
  for (const stamp of [...stamps].sort((a, b) => a - b)) {
    if (stamp - waveStart > LATENCY_MS / 2) {
      count++
      waveStart = stamp
    }
  }
  return count
}

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD'

interface Sample {
  freshMs: number
  roundTrips: number
  fresh: {vaultReads: number; vaultWrites: number; kubeReads: number; kubeWrites: number}
  rerunMs: number
  rerun: {vaultReads: number; vaultWrites: number; kubeReads: number; kubeWrites: number}
}

async function sample(latencyMs: number, passwordFile: string): Promise<Sample> {
  const world = await startVaultWorld()
  try {
    world.vault.faults.latencyMs(latencyMs)
    const stamps = stampRequests(world)
    const count = (mark: ReturnType<VaultWorld['mark']>) => ({
      vaultReads: mark.vault().filter((r) => !isWrite(r.method)).length,
      vaultWrites: mark.vault().filter((r) => isWrite(r.method)).length,
      kubeReads: mark.kube().filter((r) => !isWrite(r.method)).length,
      kubeWrites: mark.kube().filter((r) => isWrite(r.method)).length,
    })
    const freshMark = world.mark()
    const fresh = await runSetup(world, passwordFile)
    if (fresh.code !== 0) throw new Error(`vsi setup failed: ${fresh.stderr}`)
    const freshCounts = count(freshMark)
    const roundTrips = waves(stamps)
    const rerunMark = world.mark()
    const rerun = await runSetup(world, passwordFile)
    if (rerun.code !== 0) throw new Error(`vsi setup (re-run) failed: ${rerun.stderr}`)
    return {freshMs: fresh.ms, roundTrips, fresh: freshCounts, rerunMs: rerun.ms, rerun: count(rerunMark)}
  } finally {
    await world.stop()
  }
}

export async function runSetupBench(): Promise<BenchMeasurement[]> {
  const passwordFile = path.join(mkdtempSync(path.join(tmpdir(), 'vsi-bench-setup-')), 'password.txt')
  writeFileSync(passwordFile, 'db-secret-password')
  const baseline: Sample[] = []
  const slow: Sample[] = []
  for (let i = 0; i < RUNS; i++) {
    baseline.push(await sample(0, passwordFile))
    slow.push(await sample(LATENCY_MS, passwordFile))
  }
  const freshMs = median(slow.map((s) => s.freshMs))
  const roundTrips = Math.max(...slow.map((s) => s.roundTrips))
  const budget = roundTrips * LATENCY_MS + 1000
  const {fresh, rerun} = slow[0]
  return [
    {metric: `vsi setup, fresh tutorial, ${LATENCY_MS} ms per Vault request (median of ${RUNS})`, value: Math.round(freshMs), unit: 'ms', target: `≤ ${roundTrips} round trips × ${LATENCY_MS} ms + 1 s = ${budget} ms`, ok: freshMs <= budget},
    {metric: 'dependent Vault round trips (fresh setup)', value: roundTrips, unit: 'waves'},
    {metric: 'vsi setup, fresh tutorial, no added latency (median)', value: Math.round(median(baseline.map((s) => s.freshMs))), unit: 'ms'},
    {metric: 'fresh setup: Vault reads / writes', value: fresh.vaultReads, unit: `reads, ${fresh.vaultWrites} writes`},
    {metric: 'fresh setup: Kubernetes reads / writes', value: fresh.kubeReads, unit: `reads, ${fresh.kubeWrites} writes`},
    {metric: `vsi setup re-run, ${LATENCY_MS} ms per Vault request (median)`, value: Math.round(median(slow.map((s) => s.rerunMs))), unit: 'ms'},
    {metric: 're-run: Vault reads / writes', value: rerun.vaultReads, unit: `reads, ${rerun.vaultWrites} writes`, target: '0 writes', ok: rerun.vaultWrites === 0},
    {metric: 're-run: Kubernetes reads / writes', value: rerun.kubeReads, unit: `reads, ${rerun.kubeWrites} writes`, target: '0 writes', ok: rerun.kubeWrites === 0},
  ]
}

const suite: BenchSuite = {name: 'setup', description: `vsi setup of the tutorial with ${LATENCY_MS} ms Vault latency; requests of a fresh setup and a re-run`, run: runSetupBench}

export default suite
