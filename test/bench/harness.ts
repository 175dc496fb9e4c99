/**
 * The benchmark harness behind `npm run bench`: suites (test/bench/suites/*.ts, each `export default` a BenchSuite)
 * return measurements; run.ts prints them as one table. Helpers here run child processes and measure their wall time
 * and peak RSS. Benchmarks report targets; they never fail on time.
 */
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url))

export interface BenchMeasurement {
  metric: string
  value: number
  unit: string
  /** The goal, in words, and whether this run met it. */
  target?: string
  ok?: boolean
}

export interface BenchSuite {
  name: string
  description: string
  run: () => Promise<BenchMeasurement[]>
}

export interface ChildRun {
  ms: number
  /** Peak resident set size in MB; NaN when it could not be measured. */
  maxRssMb: number
  code: number
  stdout: string
  stderr: string
}

export interface ChildCommand {
  label: string
  command: string
  args: string[]
  cwd?: string
  env?: NodeJS.ProcessEnv
}

/** GNU time prints a child's peak RSS in KB (`%M`); it costs about a millisecond and treats every program alike. */
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((candidate) => existsSync(candidate))

/** Without GNU time, a Node child writes its own peak RSS (KB on Linux) to $VSI_BENCH_MAXRSS_FILE as it exits. */
const REPORT_MAX_RSS = `data:text/javascript,${encodeURIComponent(
  "import {writeFileSync} from 'node:fs';process.on('exit',()=>{const f=process.env.VSI_BENCH_MAXRSS_FILE;if(f)writeFileSync(f,String(process.resourceUsage().maxRSS))})",
)}`

const scratch = mkdtempSync(path.join(tmpdir(), 'vsi-bench-'))
let runs = 0

function instrumented(child: ChildCommand, rssFile: string): [string, string[]] | undefined {
  if (GNU_TIME) return [GNU_TIME, ['-f', '%M', '-o', rssFile, child.command, ...child.args]]
  if (child.command === process.execPath) return [child.command, ['--import', REPORT_MAX_RSS, ...child.args]]
  return undefined
}

/** Runs a command once, measuring its wall time and peak RSS. */
export function runChild(child: ChildCommand): Promise<ChildRun> {
  const rssFile = path.join(scratch, `rss-${runs++}`)
  const [command, args] = instrumented(child, rssFile) ?? [child.command, child.args]
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(command, args, {cwd: child.cwd ?? projectRoot, env: {...process.env, ...child.env, VSI_BENCH_MAXRSS_FILE: rssFile}, maxBuffer: 256 * 1024 * 1024}, (error, stdout, stderr) => {
      const ms = performance.now() - started
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      let maxRssMb = Number.NaN
      try {
        // GNU time writes "Command exited with non-zero status N" first when the child fails: the number is last.
        maxRssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024
        rmSync(rssFile)
      } catch {
        // Not measured, or the child died before reporting.
      }
      resolve({ms, maxRssMb, code, stdout, stderr})
    })
  })
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export interface InterleavedResult {
  label: string
  medianMs: number
  maxRssMb: number
  runs: ChildRun[]
}

/**
 * Runs the commands in turn, `rounds` times (A B C, A B C, …), so that load on the machine hits all of them alike,
 * after one warm-up round (disk cache). Reports each one's median time and highest peak RSS. A failing run throws.
 */
export async function interleavedRuns(commands: ChildCommand[], rounds: number): Promise<InterleavedResult[]> {
  const results = commands.map((command) => ({label: command.label, runs: [] as ChildRun[]}))
  for (let round = -1; round < rounds; round++) {
    for (const [index, command] of commands.entries()) {
      const run = await runChild(command)
      if (run.code !== 0) throw new Error(`${command.label} failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`)
      if (round >= 0) results[index].runs.push(run)
    }
  }
  return results.map(({label, runs}) => ({label, runs, medianMs: median(runs.map((run) => run.ms)), maxRssMb: Math.max(...runs.map((run) => run.maxRssMb))}))
}

export const round = (value: number, digits = 0): number => Math.round(value * 10 ** digits) / 10 ** digits

/** Whether a program is on PATH and runs. */
export async function available(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, args, (error) => resolve(!error))
  })
}

function cell(measurement: BenchMeasurement): string[] {
  const value = Number.isNaN(measurement.value) ? 'n/a' : String(measurement.value)
  const status = measurement.ok === undefined ? '' : measurement.ok ? 'met' : 'NOT met'
  return [measurement.metric, `${value} ${measurement.unit}`.trim(), measurement.target ?? '', status]
}

/** A plain-text table: one row per measurement. */
export function formatTable(suite: string, measurements: BenchMeasurement[]): string {
  const rows = [['metric', 'value', 'target', ''], ...measurements.map(cell)]
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  const line = (row: string[]) => row.map((text, column) => (column === 1 ? text.padStart(widths[column]) : text.padEnd(widths[column]))).join('  ').trimEnd()
  return [`## ${suite}`, line(rows[0]), widths.map((width) => '-'.repeat(width)).join('  ').trimEnd(), ...rows.slice(1).map(line)].join('\n')
}
