/**
 * `vsi patch` against what a user would otherwise run:
 * - one deployment: `vsi patch … -f deployment-orgchart.yaml -o yaml` vs `kubectl patch --local --type strategic -f … -p …
 *   -o yaml` (and `node -e 0`, the floor for any Node CLI, and `vsi --help`), interleaved, median of ROUNDS each;
 * - 200 deployment manifests: one `vsi patch -f DIR --out-dir OUT` vs a loop of 200 `kubectl patch --local` calls
 *   (the loop runs once: it is slow).
 * Targets: single patch ≤ 2.5× kubectl; batch ≥ 20× faster than the loop; peak RSS < 100 MB.
 * Standalone: `npm run build && npx tsx test/bench/run.ts patch`.
 */
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {BenchMeasurement, BenchSuite, ChildCommand} from '../harness.js'
import {available, interleavedRuns, median, projectRoot, round, runChild} from '../harness.js'

const ROUNDS = 15
const BATCH_ROUNDS = 5
const DEPLOYMENTS = 200
const seedDir = path.join(projectRoot, 'test/fixtures/tutorial')
const TUTORIAL_FLAGS = ['--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']
const vsi = (label: string, args: string[], cwd?: string): ChildCommand => ({label, command: process.execPath, args: [path.join(projectRoot, 'bin/run.js'), ...args], ...(cwd ? {cwd} : {})})

function generateDeployments(dir: string): string[] {
  const template = readFileSync(path.join(seedDir, 'deployment-orgchart.yaml'), 'utf8')
  return Array.from({length: DEPLOYMENTS}, (_, index) => {
    const file = path.join(dir, `app-${String(index).padStart(3, '0')}.yaml`)
    writeFileSync(file, template.replaceAll('orgchart', `app-${index}`))
    return file
  })
}

async function runPatchBench(): Promise<BenchMeasurement[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsi-bench-patch-'))
  const deployment = path.join(dir, 'deployment-orgchart.yaml')
  writeFileSync(deployment, readFileSync(path.join(seedDir, 'deployment-orgchart.yaml')))
  const patchText = readFileSync(path.join(seedDir, 'patch-inject-secrets.yaml'), 'utf8')
  const hasKubectl = await available('kubectl', ['version', '--client'])

  const single = vsi('vsi patch -f deployment -o yaml', ['patch', ...TUTORIAL_FLAGS, '-f', deployment, '-o', 'yaml'])
  const plain = vsi('vsi patch (writes patch-inject-secrets.yaml)', ['patch', ...TUTORIAL_FLAGS], dir)
  const kubectl: ChildCommand = {label: 'kubectl patch --local', command: 'kubectl', args: ['patch', '--local', '--type', 'strategic', '-f', deployment, '-p', patchText, '-o', 'yaml']}
  const floor: ChildCommand = {label: 'node -e 0', command: process.execPath, args: ['-e', '0']}
  const help = vsi('vsi --help', ['--help'])
  const results = await interleavedRuns([single, plain, ...(hasKubectl ? [kubectl] : []), floor, help], ROUNDS)
  const byLabel = new Map(results.map((result) => [result.label, result]))
  const [singleResult, plainResult, floorResult, helpResult] = [single, plain, floor, help].map((command) => byLabel.get(command.label)!)

  const sourceDir = path.join(dir, 'deployments')
  mkdirSync(sourceDir)
  const files = generateDeployments(sourceDir)
  const batchRuns = []
  for (let index = 0; index < BATCH_ROUNDS; index++) {
    const run = await runChild(vsi('vsi patch -f DIR', ['patch', ...TUTORIAL_FLAGS, '-f', sourceDir, '--out-dir', path.join(dir, `out-${index}`)]))
    if (run.code !== 0) throw new Error(`vsi patch -f failed: ${run.stderr}`)
    batchRuns.push(run)
  }
  const batchMs = median(batchRuns.map((run) => run.ms))
  const peakRss = Math.max(singleResult.maxRssMb, plainResult.maxRssMb, ...batchRuns.map((run) => run.maxRssMb))

  const measurements: BenchMeasurement[] = [
    {metric: `vsi patch -f deployment -o yaml (median of ${ROUNDS})`, value: round(singleResult.medianMs), unit: 'ms'},
    {metric: 'vsi patch, plain write of the patch file (median)', value: round(plainResult.medianMs), unit: 'ms'},
    {metric: 'vsi --help (median)', value: round(helpResult.medianMs), unit: 'ms'},
    {metric: 'node -e 0 (median): the floor for a Node CLI', value: round(floorResult.medianMs), unit: 'ms'},
    {metric: `vsi patch -f DIR, ${DEPLOYMENTS} deployments (median of ${BATCH_ROUNDS})`, value: round(batchMs), unit: 'ms'},
    {metric: 'vsi patch peak RSS (max over all runs)', value: round(peakRss, 1), unit: 'MB', target: '< 100 MB', ok: peakRss < 100},
  ]
  if (!hasKubectl) return [...measurements, {metric: 'kubectl comparisons', value: Number.NaN, unit: '', target: 'kubectl not installed: skipped'}]

  const kubectlResult = byLabel.get(kubectl.label)!
  const loopStarted = performance.now()
  const outDir = path.join(dir, 'kubectl-out')
  mkdirSync(outDir)
  let loopRss = 0
  for (const file of files) {
    const run = await runChild({...kubectl, args: ['patch', '--local', '--type', 'strategic', '-f', file, '-p', patchText, '-o', 'yaml']})
    if (run.code !== 0) throw new Error(`kubectl patch --local ${file} failed: ${run.stderr}`)
    writeFileSync(path.join(outDir, path.basename(file)), run.stdout)
    loopRss = Math.max(loopRss, run.maxRssMb)
  }
  const loopMs = performance.now() - loopStarted
  const singleRatio = singleResult.medianMs / kubectlResult.medianMs
  const batchSpeedup = loopMs / batchMs
  return [
    ...measurements,
    {metric: 'kubectl patch --local -f deployment (median)', value: round(kubectlResult.medianMs), unit: 'ms'},
    {metric: 'kubectl patch --local peak RSS', value: round(Math.max(kubectlResult.maxRssMb, loopRss), 1), unit: 'MB'},
    {metric: 'single patch: vsi / kubectl', value: round(singleRatio, 2), unit: '×', target: '≤ 2.5×', ok: singleRatio <= 2.5},
    {metric: 'single patch: (vsi − node -e 0) / kubectl', value: round((singleResult.medianMs - floorResult.medianMs) / kubectlResult.medianMs, 2), unit: '×'},
    {metric: `kubectl patch --local loop, ${DEPLOYMENTS} files (once)`, value: round(loopMs), unit: 'ms'},
    {metric: 'batch: kubectl loop / vsi patch -f', value: round(batchSpeedup, 1), unit: '×', target: '≥ 20× faster', ok: batchSpeedup >= 20},
  ]
}

const suite: BenchSuite = {name: 'patch', description: `vsi patch vs kubectl patch --local: one deployment, and ${DEPLOYMENTS} manifests`, run: runPatchBench}
export default suite
