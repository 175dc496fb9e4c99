import {spawn, spawnSync} from 'node:child_process'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {projectRoot} from '../helpers/cli.js'
import {startHelmWorld, type HelmWorld} from '../helpers/helm-world.js'

const hasScript = spawnSync('script', ['--version']).status === 0

/** Runs vsi in a pseudo-terminal (util-linux `script`), answering each prompt when it appears. */
function runInTerminal(args: string[], env: Record<string, string>, answers: Array<[prompt: string, keys: string]>): Promise<{output: string; code: number | null}> {
  const command = [process.execPath, path.join(projectRoot, 'bin/run.js'), ...args].map((part) => `'${part}'`).join(' ')
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VAULT_|KUBECONFIG$|CI$|NO_COLOR$|PATH$)/.test(key)))
  const child = spawn('script', ['-qec', command, '/dev/null'], {env: {...baseEnv, TERM: 'xterm', ...env, PATH: `${env.PATH}${path.delimiter}/usr/bin:/bin`}, stdio: ['pipe', 'pipe', 'pipe']})
  let output = ''
  let next = 0
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
    while (next < answers.length && output.includes(answers[next][0])) child.stdin.write(answers[next++][1])
  })
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g')
  return new Promise((resolve) => child.on('close', (code) => resolve({output: output.replace(ansi, ''), code})))
}

describe.skipIf(!hasScript)('vsi setup in a terminal on a cluster with no Vault', {timeout: 240_000}, () => {
  let world: HelmWorld
  beforeAll(async () => {
    world = await startHelmWorld({vault: true})
  })
  afterAll(() => world.stop())

  it('declined: nothing is installed and the error stays', async () => {
    const {output, code} = await runInTerminal(['setup', '--secret', 'internal/database/config', '--app', 'internal-app'], world.env(), [['Install Vault in dev mode and the Agent Injector now', 'n\r']])
    expect(code, output).toBe(1)
    expect(output).toContain('Hint: Install Vault in dev mode and the Agent Injector with: vsi install')
    expect(world.kube.store.get('statefulsets', 'default', 'vault')).toBeUndefined()
  })

  it('accepted: runs vsi install, then the setup against the Vault it installed', async () => {
    const {output, code} = await runInTerminal(['setup', '--secret', 'internal/database/config', '--app', 'internal-app', 'username=db-readonly-username', 'password=db-secret-password'], world.env(), [
      ['Install Vault in dev mode and the Agent Injector now', 'y\r'],
    ])
    expect(code, output).toBe(0)
    expect(output).toContain('Installed Vault in dev mode and the Agent Injector: release vault in namespace default')
    expect(output).toMatch(/verified +login as default\/internal-app and read internal\/database\/config/)
  })
})
