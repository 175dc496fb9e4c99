/**
 * Start-up: `vsi patch` (plain, writing the patch file) against a bare one-command oclif CLI doing the same job
 * (test/bench/bare-cli, as `oclif generate` makes one), on the same Node, interleaved, median of ROUNDS each; `node -e 0`
 * is the floor. Target: vsi ≤ 1.15× the bare CLI. Run it on another Node by putting that node first on PATH:
 * `PATH=/path/to/node24/bin:$PATH npx tsx test/bench/run.ts startup`.
 */
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {BenchMeasurement, BenchSuite, ChildCommand} from '../harness.js'
import {interleavedRuns, projectRoot, round} from '../harness.js'

const ROUNDS = 21
const TARGET = 1.15
const FLAGS = ['--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config']

async function runStartupBench(): Promise<BenchMeasurement[]> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'vsi-bench-startup-'))
  const node = (label: string, args: string[]): ChildCommand => ({label, command: process.execPath, args, cwd})
  const vsi = node('vsi patch', [path.join(projectRoot, 'bin/run.js'), 'patch', ...FLAGS])
  const bare = node('bare oclif CLI', [path.join(projectRoot, 'test/bench/bare-cli/bin/run.js'), ...FLAGS])
  const floor = node('node -e 0', ['-e', '0'])
  const [vsiRun, bareRun, floorRun] = await interleavedRuns([vsi, bare, floor], ROUNDS)
  const ratio = vsiRun.medianMs / bareRun.medianMs
  return [
    {metric: `Node ${process.versions.node}`, value: Number.NaN, unit: ''},
    {metric: `vsi patch (median of ${ROUNDS})`, value: round(vsiRun.medianMs), unit: 'ms'},
    {metric: 'bare one-command oclif CLI, same job (median)', value: round(bareRun.medianMs), unit: 'ms'},
    {metric: 'node -e 0 (median)', value: round(floorRun.medianMs), unit: 'ms'},
    {metric: 'vsi patch / bare oclif CLI', value: round(ratio, 2), unit: '×', target: `≤ ${TARGET}×`, ok: ratio <= TARGET},
  ]
}

const suite: BenchSuite = {name: 'startup', description: 'vsi patch against a bare one-command oclif CLI on the same Node', run: runStartupBench}
export default suite
