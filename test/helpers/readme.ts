/**
 * The README's quick start as data: its `sh` blocks, each with the `text` block that shows what it prints, and the
 * comparison of a run's output with what the README shows. Used by the README test and the install tutorial test.
 */
import {execa} from 'execa'
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {projectRoot} from './cli.js'

export interface Step {
  script: string
  /** The `text` block right after the `sh` block, when there is one. */
  shows?: string
}

/** The `sh` blocks of the README's "## Quick start" section, each with the output block that follows it. */
export function quickStartSteps(readme: string): Step[] {
  const start = readme.indexOf('\n## Quick start\n')
  if (start < 0) throw new Error('README.md has no "## Quick start" section')
  const end = readme.indexOf('\n## ', start + 1)
  const section = readme.slice(start, end < 0 ? undefined : end)
  const blocks = [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({lang: m[1], body: m[2], at: m.index, end: m.index + m[0].length}))
  const steps: Step[] = []
  blocks.forEach((block, i) => {
    if (block.lang !== 'sh') return
    const next = blocks[i + 1]
    const adjacent = next && next.lang === 'text' && section.slice(block.end, next.at).trim() === ''
    steps.push({script: block.body, shows: adjacent ? next.body : undefined})
  })
  return steps
}

export const readmeQuickStart = (): Step[] => quickStartSteps(readFileSync(path.join(projectRoot, 'README.md'), 'utf8'))

/** A directory holding `vsi`, as `npm install -g` puts it on the PATH, run by the Node that runs the tests. */
export function vsiOnPath(): string {
  const bin = mkdtempSync(path.join(tmpdir(), 'vsi-bin-'))
  writeFileSync(path.join(bin, 'vsi'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(projectRoot, 'bin/run.js')}" "$@"\n`)
  chmodSync(path.join(bin, 'vsi'), 0o755)
  return bin
}

/** Runs one block as a reader's shell would (bash, stopping at the first failure), stderr merged into stdout. */
export function runStep(step: Step, options: {cwd: string; env: Record<string, string>}) {
  return execa('bash', ['-c', `set -euo pipefail\nexec 2>&1\n${step.script}`], {cwd: options.cwd, env: options.env, extendEnv: false, reject: false, timeout: 120_000})
}

/**
 * What legitimately differs between two runs: generated pod names (and the column width they set), a file's hash
 * (the default template prints the secret's created_time), durations, the emulators' ports, Vault's cluster id and
 * name, and how many progress lines a wait prints before its last (the state it reached).
 */
export function comparable(text: string): string[] {
  return text
    .replace(/\b(orgchart)-[a-z0-9]{6,10}-[a-z0-9]{5}\b/g, '$1-<pod>')
    // A rendered file holds Vault's created_time (RFC 3339 with trailing zeros of the fraction trimmed, as Go prints
    // it), so its size varies by a byte or two between runs, as its hash does; its line count does not.
    .replace(/\b\d+ B, (\d+ lines?, )?sha256 [0-9a-f]{12}/g, '<size> B, $1sha256 <hash>')
    .replace(/sha256 [0-9a-f]{12}/g, 'sha256 <hash>')
    .replace(/\b\d+(\.\d+)?m?s\)/g, '<duration>)')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>')
    .replace(/\bvault-cluster-[0-9a-f]{8}\b/g, 'vault-cluster-<id>')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trimEnd())
    // kubectl rollout status's progress lines (stderr, without a terminal) depend on timing, as durations do.
    .filter((line) => !/^Waiting for (deployment|daemon set|statefulset) .*\.\.\.$/.test(line))
    .filter((line, i, lines) => line !== '' || (i > 0 && i < lines.length - 1))
    .filter((line, i, lines) => !(isInstallProgress(line) && isInstallProgress(lines[i + 1] ?? '')))
}

/** vsi install's progress line while it waits (server; injector; webhook), printed each time the state changes. */
const isInstallProgress = (line: string) => /^Vault server pod .+; injector deployment .+; (serving|webhook)\b/.test(line)
