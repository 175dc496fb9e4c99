/**
 * The README runs as written: its quick start's `sh` blocks are run, literally, in order, with `vsi` on PATH and the
 * environment `npm run emulators` prints, and what each block prints (stdout and stderr, as a terminal shows them)
 * must equal the `text` block that follows it in the README. The README is the source of truth.
 */
import {execa} from 'execa'
import {spawn, type ChildProcess} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isolatedHome, projectRoot} from '../helpers/cli.js'

interface Step {
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

/**
 * What legitimately differs between two runs: generated pod names (and the column width they set), a file's hash
 * (the default template prints the secret's created_time), durations, the emulators' ports, Vault's cluster id and
 * name.
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
    .filter((line, i, lines) => line !== '' || (i > 0 && i < lines.length - 1))
}

/** `npm run emulators`, as a reader starts it in a second terminal; resolves with the variables it exports. */
async function startEmulators(): Promise<{child: ChildProcess; env: Record<string, string>}> {
  const child = spawn('npm', ['run', '--silent', 'emulators'], {cwd: projectRoot, detached: true, stdio: ['ignore', 'pipe', 'inherit']})
  const env: Record<string, string> = {}
  for await (const line of createInterface({input: child.stdout!})) {
    const exported = /^export (\w+)=(.*)$/.exec(line)
    if (exported) env[exported[1]] = exported[2]
    if (exported?.[1] === 'VAULT_TOKEN') return {child, env}
  }
  throw new Error('npm run emulators exited before printing its export lines')
}

const INHERITED_TO_DROP = /^(VAULT_\w+|KUBECONFIG|NO_COLOR|FORCE_COLOR|CI|DEBUG)$/

describe('the README quick start, run literally against npm run emulators', () => {
  const steps = quickStartSteps(readFileSync(path.join(projectRoot, 'README.md'), 'utf8'))
  let emulators: Awaited<ReturnType<typeof startEmulators>>
  let env: Record<string, string>
  const cwd = mkdtempSync(path.join(tmpdir(), 'vsi-readme-'))

  beforeAll(async () => {
    emulators = await startEmulators()
    // `vsi` on PATH, as `npm install -g` puts it there, on the Node that runs the tests.
    const bin = mkdtempSync(path.join(tmpdir(), 'vsi-bin-'))
    writeFileSync(path.join(bin, 'vsi'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(projectRoot, 'bin/run.js')}" "$@"\n`)
    chmodSync(path.join(bin, 'vsi'), 0o755)
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key, value]) => !INHERITED_TO_DROP.test(key) && value !== undefined)) as Record<string, string>
    env = {...inherited, ...emulators.env, HOME: isolatedHome, PATH: `${bin}${path.delimiter}${process.env.PATH}`}
  }, 60_000)

  afterAll(() => {
    if (emulators?.child.pid) process.kill(-emulators.child.pid, 'SIGINT')
  })

  it('has the quick start: setup, patch --apply, verify, the template step', () => {
    expect(steps.map((step) => [...step.script.matchAll(/^(?:.*\| )?vsi (\w+)/gm)].map((m) => m[1]))).toEqual([['setup'], ['patch'], ['verify'], ['patch', 'verify']])
    expect(steps.every((step) => step.shows !== undefined)).toBe(true)
  })

  it('every block exits 0 and prints what the README shows', async () => {
    for (const step of steps) {
      const run = await execa('bash', ['-c', `set -euo pipefail\nexec 2>&1\n${step.script}`], {cwd, env, extendEnv: false, reject: false, timeout: 60_000})
      expect({script: step.script, exitCode: run.exitCode, output: comparable(run.stdout)}).toEqual({script: step.script, exitCode: 0, output: comparable(step.shows!)})
    }
  }, 180_000)
})

describe('comparing output with the README', () => {
  it('ignores pod names, rendered sizes and hashes, durations, ports, cluster ids and column padding, nothing else', () => {
    const shown = 'orgchart-b94b4d4b5-7jzzx  ok  191 B, sha256 505b96177e23 (0.5s) http://127.0.0.1:42217'
    expect(comparable('orgchart-86769d9557-8rhbb ok 191 B, sha256 c77cc655ffae (1.25s) http://127.0.0.1:1')).toEqual(comparable(shown))
    expect(comparable('(same cluster_id 9c84bffe-1af8-45ed-b48d-77929546bc33, vault-cluster-fb2b5415)')).toEqual(comparable('(same cluster_id 00000000-1111-2222-3333-444444444444, vault-cluster-0badc0de)'))
    expect(comparable('orgchart-86769d9557-8rhbb ok 192 B, sha256 c77cc655ffae (1.25s) http://127.0.0.1:1')).toEqual(comparable(shown))
    expect(comparable('ok 191 B, 3 lines, sha256 c77cc655ffae')).not.toEqual(comparable('ok 191 B, 2 lines, sha256 505b96177e23'))
    expect(comparable('orgchart-86769d9557-8rhbb FAIL 191 B, sha256 c77cc655ffae (1.25s) http://127.0.0.1:1')).not.toEqual(comparable(shown))
  })

  it('pairs each sh block with the text block right after it', () => {
    const readme = ['# x', '## Quick start', '```sh', 'vsi a', '```', '', '```text', 'A', '```', 'prose', '```sh', 'vsi b', '```', 'prose', '```text', 'B', '```', '## Next', '```sh', 'vsi c', '```', ''].join('\n')
    expect(quickStartSteps(readme)).toEqual([{script: 'vsi a\n', shows: 'A\n'}, {script: 'vsi b\n', shows: undefined}])
  })
})
