import {spawn, spawnSync} from 'node:child_process'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {isolatedHome, projectRoot} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const TYPED_PASSWORD = 'typed-in-a-terminal'
const hasScript = spawnSync('script', ['--version']).status === 0

/** Runs vsi in a pseudo-terminal (util-linux `script`), answering each prompt when it appears. */
function runInTerminal(args: string[], env: Record<string, string>, answers: Array<[prompt: string, keys: string]>): Promise<{output: string; code: number | null}> {
  const command = [process.execPath, path.join(projectRoot, 'bin/run.js'), ...args].map((part) => `'${part}'`).join(' ')
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VAULT_|KUBECONFIG$|CI$|NO_COLOR$)/.test(key)))
  const child = spawn('script', ['-qec', command, '/dev/null'], {env: {...baseEnv, HOME: isolatedHome, TERM: 'xterm', ...env}, stdio: ['pipe', 'pipe', 'pipe']})
  let output = ''
  let next = 0
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
    while (next < answers.length && output.includes(answers[next][0])) child.stdin.write(answers[next++][1])
  })
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g')
  return new Promise((resolve) => child.on('close', (code) => resolve({output: output.replace(ansi, ''), code})))
}

describe.skipIf(!hasScript)('vsi setup in a terminal', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())

  it("asks for what is missing with the tutorial's defaults, and never echoes the password", async () => {
    const {output, code} = await runInTerminal(['setup'], world.env(), [
      ['Secret to create or keep', '\r'],
      ['App that may read it', '\r'],
      ['internal/database/config: username', '\r'],
      ['internal/database/config: password', `${TYPED_PASSWORD}\r`],
    ])
    expect(code, output).toBe(0)
    expect(output).toMatch(/verified +login as default\/internal-app and read internal\/database\/config/)
    expect(output).not.toContain(TYPED_PASSWORD)
    const kv = world.vault.state.kv('internal')
    expect(kv?.version === 2 && kv.keys['database/config'].versions[1].data).toEqual({username: 'db-readonly-username', password: TYPED_PASSWORD})
  })
  it('asks again when Enter is pressed at an empty password prompt: no default password is ever stored', async () => {
    const {output, code} = await runInTerminal(['setup'], world.env(), [
      ['Secret to create or keep', 'internal/other/config\r'],
      ['App that may read it', '\r'],
      ['internal/other/config: username', '\r'],
      ['internal/other/config: password', '\r'],
      ['an empty one is not stored', `${TYPED_PASSWORD}\r`],
    ])
    expect(code, output).toBe(0)
    const kv = world.vault.state.kv('internal')
    expect(kv?.version === 2 && kv.keys['other/config'].versions[1].data).toEqual({username: 'db-readonly-username', password: TYPED_PASSWORD})
  })

  it('exits 130 without an error message when Ctrl-C is pressed at a prompt', async () => {
    const since = world.mark()
    const {output, code} = await runInTerminal(['setup'], world.env(), [['Secret to create or keep', '\x03']])
    expect(code).toBe(130)
    expect(output).not.toMatch(/Error|at .*\.js:\d+/)
    expect(since.vault().filter((request) => request.method !== 'GET')).toEqual([])
  })
})
