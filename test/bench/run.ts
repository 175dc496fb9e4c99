/**
 * `npm run bench [-- SUITE…]`: runs every suite in test/bench/suites (or the named ones) one after the other and
 * prints a table per suite. Targets are reported, never asserted; the exit code is 1 only when a suite could not run.
 */
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import type {BenchSuite} from './harness.js'
import {formatTable, projectRoot} from './harness.js'

const suitesDir = path.join(projectRoot, 'test/bench/suites')
const wanted = process.argv.slice(2)
const files = readdirSync(suitesDir)
  .filter((file) => file.endsWith('.ts'))
  .sort()
  .filter((file) => wanted.length === 0 || wanted.includes(path.basename(file, '.ts')))
if (files.length === 0) {
  console.error(`no suite matches ${wanted.join(', ')}; suites: ${readdirSync(suitesDir).map((file) => path.basename(file, '.ts')).join(', ')}`)
  process.exit(2)
}

let failed = false
for (const file of files) {
  const suite = ((await import(pathToFileURL(path.join(suitesDir, file)).href)) as {default: BenchSuite}).default
  console.log(`\n${suite.name}: ${suite.description}`)
  const started = performance.now()
  try {
    console.log(formatTable(suite.name, await suite.run()))
    console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`)
  } catch (error) {
    failed = true
    console.log(`## ${suite.name}: could not run: ${(error as Error).message}`)
  }
}
process.exitCode = failed ? 1 : 0
