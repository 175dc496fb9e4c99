import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {KubeObject} from '../emulators/kube/index.js'
import {runVsi} from '../helpers/cli.js'
import {specFolder, tutorialSpec} from '../helpers/spec-files.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const {write} = specFolder('vsi-spec-verify-')
const PASSWORD = 'verify-db-password-51c2'
const spec = (keys: string) =>
  tutorialSpec(`        keys: [username, password]
        data:
          username: {value: db-readonly-username}
          password: {fromEnv: DB_PASSWORD}
  - name: web
    namespace: apps
    workloads: [deployment/web]
    secrets:
      - file: web.env
        path: internal/web/config
        keys: [${keys}]
        data:
          token: {fromEnv: DB_PASSWORD}
`)
// Map format (the injector's default): the emulated agent renders it itself, as the real one does.
const good = write('vsi.yaml', spec('token'))

let world: VaultWorld
const env = () => ({...world.env(), DB_PASSWORD: PASSWORD})

beforeAll(async () => {
  world = await startVaultWorld()
  // The emulated agents log in to this Vault and render for real.
  world.kube.setVault({url: world.vault.url})
  world.kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'apps'}})
  const web: KubeObject = structuredClone(world.kube.store.get('Deployment', 'default', 'orgchart')!)
  web.metadata = {name: 'web', namespace: 'apps', labels: {app: 'web'}}
  web.spec.replicas = 2
  web.spec.selector = {matchLabels: {app: 'web'}}
  web.spec.template.metadata = {labels: {app: 'web'}}
  web.spec.template.spec.serviceAccountName = 'web'
  delete web.status
  world.kube.store.create(web)
  await world.kube.settle()
  const applied = await runVsi(['apply', '-f', good, '--timeout', '20s'], {env: env()})
  if (applied.exitCode !== 0) throw new Error(`apply failed: ${applied.stdout}\n${applied.stderr}`)
}, 90_000)
afterAll(() => world.stop())

describe('vsi verify -f vsi.yaml', () => {
  it('checks every workload of every app in one report, with the keys the file lists', async () => {
    const result = await runVsi(['verify', '-f', good, '--json'], {env: env()})
    expect(result.exitCode, result.stderr).toBe(0)
    const {apps, summary, passed} = result.json.result
    expect(passed).toBe(true)
    expect(apps.map((app: {app: string; namespace: string}) => `${app.namespace}/${app.app}`)).toEqual(['default/internal-app', 'apps/web'])
    expect(summary).toMatchObject({workloads: 2, pods: 3, failed: 0})
    const expects = apps[1].workloads[0].pods[0].checks.filter((check: {check: string}) => check.check === 'expect')
    expect(expects.map((check: {expectation: string; status: string}) => `${check.expectation}:${check.status}`)).toEqual(['keys token:pass'])
    expect(leakedSecrets(result, [PASSWORD])).toEqual([])
  })

  it('fails (exit 1) when a file lacks a key the vsi.yaml lists, naming the workload', async () => {
    const bad = write('missing-key.yaml', spec('token, region').replace('          token: {fromEnv: DB_PASSWORD}\n', '          token: {fromEnv: DB_PASSWORD}\n          region: {value: eu}\n'))
    const result = await runVsi(['verify', '-f', bad, '--app', 'internal-app'], {env: env()})
    expect(result.exitCode, result.stderr).toBe(0)
    const web = await runVsi(['verify', '-f', bad, '--app', 'web'], {env: env()})
    expect(web.exitCode).toBe(1)
    expect(web.stdout).toMatch(/^app web \(namespace apps\)$/m)
    expect(web.stderr).toContain('checks failed across 1 workloads of')
  })
})

describe('vsi doctor -f vsi.yaml', () => {
  it('diagnoses every workload of every app in one report', async () => {
    const result = await runVsi(['doctor', '-f', good, '--json'], {env: env()})
    expect(result.exitCode, result.stderr).toBe(0)
    const {apps, summary, passed} = result.json.result
    expect(passed).toBe(true)
    expect(apps.map((app: {app: string; namespace: string}) => `${app.namespace}/${app.app}`)).toEqual(['default/internal-app', 'apps/web'])
    expect(apps[1].workloads[0]).toMatchObject({target: 'deployment/web', namespace: 'apps', serviceAccount: 'web', role: 'web'})
    expect(summary).toMatchObject({workloads: 2, failed: 0})
    expect(leakedSecrets(result, [PASSWORD])).toEqual([])
  }, 60_000)

  it('connects to Vault once for all workloads: one discovery, one port-forward to vault-0', async () => {
    const mark = world.mark()
    const result = await runVsi(['doctor', '-f', good], {env: env()})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^.*vsi\.yaml: 2 workloads, \d+ checks, 0 failed/m)
    expect(result.stderr.match(/^Vault: pod default\/vault-0 through a port-forward/gm)).toHaveLength(1)
    const vaultPodLists = mark.kube().filter((r) => r.method === 'GET' && r.path === '/api/v1/pods' && decodeURIComponent(r.query).includes('app.kubernetes.io/name=vault'))
    expect(vaultPodLists).toHaveLength(1)
  }, 60_000)
})

describe('vsi destroy -f vsi.yaml and the engines vsi enabled', () => {
  it('keeps the KV engine and the auth method vsi enabled unless --purge-engines, which disables them', async () => {
    const kept = await runVsi(['destroy', '-f', good, '--yes', '--timeout', '20s'], {env: env()})
    expect(kept.exitCode, `${kept.stdout}\n${kept.stderr}`).toBe(0)
    expect(kept.stdout).toMatch(/^ {2}unchanged +secrets engine internal\/ .*: kept: engines and auth methods stay unless --purge-engines$/m)
    expect(world.vault.state.mounts()['internal/']).toMatchObject({description: 'created by vsi'})
    expect(world.vault.state.authMounts()['kubernetes/']).toBeDefined()

    const purged = await runVsi(['destroy', '-f', good, '--yes', '--purge-engines', '--timeout', '20s'], {env: env()})
    expect(purged.exitCode, `${purged.stdout}\n${purged.stderr}`).toBe(0)
    expect(purged.stdout).toMatch(/^ {2}deleted +secrets engine internal\/ \(kv v2, with every secret in it\)$/m)
    expect(purged.stdout).toMatch(/^ {2}deleted +auth method kubernetes\/ /m)
    expect(world.vault.state.mounts()['internal/']).toBeUndefined()
    expect(world.vault.state.authMounts()['kubernetes/']).toBeUndefined()
  }, 90_000)
})
