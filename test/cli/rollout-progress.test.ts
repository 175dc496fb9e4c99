import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeEmulator, KubeObject} from '../emulators/kube/index.js'
import {startKubeEmulator} from '../emulators/kube/index.js'
import {projectRoot, runVsi} from '../helpers/cli.js'

/**
 * The progress of long waits: without a terminal, kubectl rollout status's lines (one per change of state); on a
 * terminal, a spinner that counts the new ReplicaSet's pods only.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-progress-'))
const kubeconfig = path.join(dir, 'config')
// --kv-version: Vault is not asked (test/cli/patch-kv-version.test.ts), so stderr holds the progress alone.
const TUTORIAL_PATCH = ['patch', '--role', 'internal-app', '--secret', 'database-config.txt=internal/database/config', '--kv-version', '2']
const hasScript = spawnSync('script', ['--version']).status === 0

let kube: KubeEmulator

/**
 * Two ready replicas of the tutorial's orgchart under another name. With `stuck`, the patch names an agent image that
 * never becomes ready, so the rollout stays at 1 new pod (maxSurge 25% of 2 rounds up to 1, maxUnavailable down to 0)
 * while both old pods keep serving.
 */
async function twoReplicas(name: string, stuck: boolean): Promise<string[]> {
  const copy: KubeObject = structuredClone(kube.store.get('Deployment', 'default', 'orgchart')!)
  copy.metadata = {name, namespace: 'default', labels: {app: name}}
  copy.spec.replicas = 2
  copy.spec.selector = {matchLabels: {app: name}}
  copy.spec.template.metadata = {labels: {app: name}}
  delete copy.status
  kube.store.create(copy)
  await kube.waitFor('Deployment', 'default', name, (d) => d.status?.availableReplicas === 2)
  return [...(stuck ? ['--agent-image', 'hashicorp/vault:never-ready'] : []), '--apply', `deployment/${name}`, '--kubeconfig', kubeconfig]
}

beforeAll(async () => {
  kube = await startKubeEmulator({preset: 'tutorial'})
  kube.writeKubeconfig(kubeconfig)
  kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
})

afterAll(async () => {
  await kube?.stop()
})

describe('patch --apply without a terminal', () => {
  it("prints kubectl rollout status's lines on stderr, one per change of state, not one per poll", async () => {
    const args = await twoReplicas('slow', true)
    const run = await runVsi([...TUTORIAL_PATCH, ...args, '--timeout', '4s'], {cwd: dir})
    expect(run.exitCode, run.stderr).toBe(1)
    expect(run.stdout.split('\n')).toContain('deployment.apps/slow patched')
    const lines = run.stderr.split('\n')
    const progress = lines.slice(0, lines.findIndex((line) => line.startsWith('Error')))
    // The stuck state is seen by several polls (250 ms, 500 ms, 1 s, 2 s apart) but printed once.
    expect(progress.filter((line) => line === 'Waiting for deployment "slow" rollout to finish: 1 out of 2 new replicas have been updated...')).toHaveLength(1)
    expect(progress.at(-1)).toBe('Waiting for deployment "slow" rollout to finish: 1 out of 2 new replicas have been updated...')
    for (const [i, line] of progress.entries()) {
      expect(line).toMatch(/^Waiting for deployment (spec update to be observed|"slow" rollout to finish: .*)\.\.\.$/)
      if (i > 0) expect(line).not.toBe(progress[i - 1])
    }
    expect(run.stderr).toContain('timed out waiting for the rollout of deployment/slow after 4s')
  })

  it('prints nothing but the JSON with --json, and no progress line for a rollout that is done', async () => {
    const args = await twoReplicas('quick', false)
    const first = await runVsi([...TUTORIAL_PATCH, ...args, '--timeout', '60s', '--json'], {cwd: dir})
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stderr).toBe('')
    const again = await runVsi([...TUTORIAL_PATCH, ...args], {cwd: dir})
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^deployment\.apps\/quick unchanged: .*\ndeployment "quick" successfully rolled out \(2\/2 pods ready/m)
    expect(again.stderr).toBe('')
  })
})

/** Runs vsi in a pseudo-terminal (util-linux `script`); returns what the terminal showed, escape sequences removed. */
function runInTerminal(args: string[]): Promise<{output: string; code: number | null}> {
  const command = [process.execPath, path.join(projectRoot, 'bin/run.js'), ...args].map((part) => `'${part}'`).join(' ')
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VAULT_|KUBECONFIG$|CI$|NO_COLOR$|FORCE_COLOR$)/.test(key)))
  const child = spawn('script', ['-qec', command, '/dev/null'], {cwd: dir, env: {...baseEnv, TERM: 'xterm'}, stdio: ['ignore', 'pipe', 'pipe']})
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
  })
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g')
  return new Promise((resolve) => child.on('close', (code) => resolve({output: output.replace(ansi, ''), code})))
}

describe.skipIf(!hasScript)('patch --apply in a terminal', () => {
  it("counts only the new ReplicaSet's pods: the old ones still serving are not new pods ready", async () => {
    const args = await twoReplicas('spinner', true)
    const {output, code} = await runInTerminal([...TUTORIAL_PATCH, ...args, '--timeout', '4s'])
    expect(code, output).toBe(1)
    // The Deployment's own counts say 1 updated and 2 available (the old pods): that is not 1 new pod ready.
    expect(output).toContain('0/2 new pods ready')
    expect(output).not.toMatch(/[12]\/2 new pods ready/)
    expect(output).not.toMatch(/^Waiting for deployment "spinner" rollout to finish/m)
    expect(kube.requests.some((r) => r.method === 'GET' && r.path.endsWith('/namespaces/default/replicasets'))).toBe(true)
  })
})
