/**
 * The README runs as written: its quick start's `sh` blocks are run, literally, in order, from the clone, with `vsi`
 * on PATH and the environment `npm run emulators -- --empty` prints (its PATH line puts the helm test double first),
 * and what each block prints (stdout and stderr, as a terminal shows them) must equal the `text` block that follows
 * it in the README. The README is the source of truth.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {createInterface} from 'node:readline'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isolatedHome, projectRoot} from '../helpers/cli.js'
import {comparable, quickStartSteps, readmeQuickStart, runStep, vsiOnPath} from '../helpers/readme.js'

/** `npm run emulators -- --empty`, as a reader starts it in a second terminal; resolves with the variables it exports. */
async function startEmulators(): Promise<{child: ChildProcess; env: Record<string, string>}> {
  const child = spawn('npm', ['run', '--silent', 'emulators', '--', '--empty'], {cwd: projectRoot, detached: true, stdio: ['ignore', 'pipe', 'inherit']})
  const env: Record<string, string> = {}
  for await (const line of createInterface({input: child.stdout!})) {
    const exported = /^export (\w+)=(.*)$/.exec(line)
    if (exported) env[exported[1]] = exported[2]
    if (exported?.[1] === 'VAULT_TOKEN') return {child, env}
  }
  throw new Error('npm run emulators exited before printing its export lines')
}

const INHERITED_TO_DROP = /^(VAULT_\w+|KUBECONFIG|NO_COLOR|FORCE_COLOR|CI|DEBUG)$/

describe('the README quick start, run literally against npm run emulators -- --empty', () => {
  const steps = readmeQuickStart()
  let emulators: Awaited<ReturnType<typeof startEmulators>>
  let env: Record<string, string>

  beforeAll(async () => {
    emulators = await startEmulators()
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key, value]) => !INHERITED_TO_DROP.test(key) && value !== undefined)) as Record<string, string>
    // The shell expands the PATH line the emulators print against the reader's PATH, which has vsi on it.
    const readersPath = `${vsiOnPath()}:${process.env.PATH}`
    env = {...inherited, ...emulators.env, PATH: emulators.env.PATH.replace('$PATH', readersPath), HOME: isolatedHome}
  }, 60_000)

  afterAll(() => {
    if (emulators?.child.pid) process.kill(-emulators.child.pid, 'SIGINT')
  })

  it('has the quick start: install, setup, patch --apply, verify, the template step', () => {
    expect(steps.map((step) => [...step.script.matchAll(/^(?:.*\| )?(vsi \w+|kubectl apply)/gm)].map((m) => m[1]))).toEqual([
      ['vsi install', 'kubectl apply'],
      ['vsi setup'],
      ['vsi patch'],
      ['vsi verify'],
      ['vsi patch', 'vsi verify'],
    ])
    expect(steps.every((step) => step.shows !== undefined)).toBe(true)
  })

  it('the emulators put the helm test double first on the PATH', () => {
    expect(emulators.env.PATH).toMatch(/^\/.+\/bin:\$PATH$/)
  })

  it('every block exits 0 and prints what the README shows', async () => {
    for (const step of steps) {
      const run = await runStep(step, {cwd: projectRoot, env})
      expect({script: step.script, exitCode: run.exitCode, output: comparable(run.stdout)}).toEqual({script: step.script, exitCode: 0, output: comparable(step.shows!)})
    }
  }, 240_000)
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

  it("keeps only the last of vsi install's waiting lines, and that line's text", () => {
    const waiting = 'Vault server pod vault-0: Pending (Unschedulable); injector deployment vault-agent-injector not created yet; webhook service vault-agent-injector-svc has no ready endpoints yet'
    const done = 'Vault server pod vault-0 is ready; injector deployment vault-agent-injector rolled out; serving: service vault-agent-injector-svc has 1 ready endpoint(s)'
    expect(comparable(['waiting for the Vault server and the injector', waiting, waiting.replace('Pending', 'Running'), done, 'Installed'].join('\n'))).toEqual(
      comparable(['waiting for the Vault server and the injector', done, 'Installed'].join('\n')),
    )
    expect(comparable(['waiting for the Vault server and the injector', waiting, 'Installed'].join('\n'))).not.toEqual(comparable(['waiting for the Vault server and the injector', done, 'Installed'].join('\n')))
  })

  it('pairs each sh block with the text block right after it', () => {
    const readme = ['# x', '## Quick start', '```sh', 'vsi a', '```', '', '```text', 'A', '```', 'prose', '```sh', 'vsi b', '```', 'prose', '```text', 'B', '```', '## Next', '```sh', 'vsi c', '```', ''].join('\n')
    expect(quickStartSteps(readme)).toEqual([{script: 'vsi a\n', shows: 'A\n'}, {script: 'vsi b\n', shows: undefined}])
  })
})
