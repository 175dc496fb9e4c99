/**
 * vsi apply -f when things go wrong half-way: Vault failing (5xx) or refusing (403) one write, the process killed
 * mid-run, two applies at once. Nothing is half-written, and running apply again converges with no data lost.
 */
import {execa} from 'execa'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {isolatedHome, projectRoot, runVsi} from '../helpers/cli.js'
import {specFolder, tutorialSpec} from '../helpers/spec-files.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const {write} = specFolder('vsi-spec-faults-')
const DB_PASSWORD = 'faults-db-password-51c2'

const specFile = write(
  'vsi.yaml',
  tutorialSpec(`        data:
          username: {value: db-readonly-username}
          password: {fromEnv: DB_PASSWORD}
  - name: billing
    namespace: team-b
    secrets:
      - file: billing.env
        path: internal/billing/db
        format: env
        keys: [user, pass]
        data:
          user: {value: billing-user}
          pass: {fromEnv: DB_PASSWORD}
  - name: reports
    namespace: team-b
    secrets:
      - file: reports.txt
        path: internal/reports/db
        data:
          user: {value: reports-reader}
`),
)

let world: VaultWorld
const env = (extra: Record<string, string> = {}) => ({...world.env(), DB_PASSWORD, ...extra})
const writes = (requests: Array<{method: string; path: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

beforeEach(async () => {
  world = await startVaultWorld()
  world.kube.store.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team-b'}})
})
afterEach(() => world.stop())

/** After a failed or interrupted run: apply converges, then a third run and plan find nothing to do. */
async function expectConverges(): Promise<void> {
  const again = await runVsi(['apply', '-f', specFile], {env: env()})
  expect(again.exitCode, `${again.stdout}\n${again.stderr}`).toBe(0)
  expect(leakedSecrets(again, [DB_PASSWORD])).toEqual([])
  const mark = world.mark()
  const third = await runVsi(['apply', '-f', specFile], {env: env()})
  expect(third.exitCode, third.stderr).toBe(0)
  expect(third.stdout).toMatch(/^Nothing to change: .*\(no writes made\)\.$/m)
  expect(writes(mark.vault())).toEqual([])
  expect(writes(mark.kube())).toEqual([])
  const kv = world.vault.state.kv('internal')!
  expect(kv.version === 2 && kv.keys['billing/db'].versions[kv.keys['billing/db'].currentVersion].data).toEqual({user: 'billing-user', pass: DB_PASSWORD})
  expect(world.vault.state.policies()['billing']).toContain('path "internal/data/billing/db"')
  expect(Object.keys(world.vault.state.kubernetes()!.roles).sort()).toEqual(['billing', 'internal-app', 'reports'])
}

describe('vsi apply -f: failures half-way', () => {
  it('a Vault 5xx on a new secret\'s metadata: nothing of it is written, the rest goes on, exit 1; apply again converges with the secret marked as vsi\'s', async () => {
    // A new secret's metadata is read, then its ownership mark (custom_metadata) written, then its data. Every request
    // under its metadata/ fails, more often than the client retries: the secret's step fails for good in this run.
    world.vault.faults.failNext(10, 503, 'internal/metadata/billing/db')
    const run = await runVsi(['apply', '-f', specFile], {env: env()})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(1)
    expect(run.stdout).toMatch(/^ {2}failed +secret internal\/billing\/db: /m)
    expect(run.stdout).toMatch(/^Stopped: 1 failed, \d+ skipped, \d+ written\./m)
    expect(run.stderr).toContain('apply stopped: secret internal/billing/db')
    const kv = world.vault.state.kv('internal')!
    expect(kv.version === 2 && kv.keys['billing/db']).toBeUndefined()
    // The other apps are not held back by billing's failure.
    expect(world.vault.state.policies()['reports']).toContain('path "internal/data/reports/db"')
    expect(leakedSecrets(run, [DB_PASSWORD])).toEqual([])
    // Vault is well again: the 503s the run's retries did not use up are taken out of the way.
    const probe = () => fetch(`${world.vault.url}/v1/internal/metadata/billing/db`, {headers: {'X-Vault-Token': world.vault.rootToken}})
    while ((await probe()).status === 503);
    await expectConverges()
    const after = world.vault.state.kv('internal')!
    expect(after.version === 2 && after.keys['billing/db'].customMetadata).toEqual({'managed-by': 'vsi', app: 'billing'})
  }, 120_000)

  it('a 403 from Vault (a token that may read but not write one policy) fails that step; apply with a token that may converges', async () => {
    await world.vaultRequest('POST', 'sys/policies/acl/almost-root', {
      policy: 'path "*" {\n  capabilities = ["create", "read", "update", "delete", "list", "sudo"]\n}\n\npath "sys/policies/acl/reports" {\n  capabilities = ["read"]\n}\n',
    })
    const token = (await world.vaultRequest('POST', 'auth/token/create', {policies: ['almost-root']})).body.auth.client_token as string
    const run = await runVsi(['apply', '-f', specFile], {env: {...env(), ...world.env({direct: true, token})}})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(1)
    expect(run.stdout).toMatch(/^ {2}failed +policy reports: Permission denied: the Vault token lacks "create" or "update" on sys\/policies\/acl\/reports \(its capabilities there: read\)$/m)
    expect(run.stdout).toMatch(/^ {2}skipped +login as team-b\/reports .*: needs policy reports$/m)
    expect(world.vault.state.policies()['reports']).toBeUndefined()
    expect(leakedSecrets(run, [DB_PASSWORD, token])).toEqual([])
    await expectConverges()
  }, 120_000)

  it('the cluster refusing a service account (403) and failing a workload patch (500): those steps fail, apply again converges', async () => {
    // vsi sends a Kubernetes write again only after a 429 (as client-go): one fault each fails the step for good.
    world.kube.failNext({method: 'POST', pathPrefix: '/api/v1/namespaces/team-b/serviceaccounts', status: 403, count: 1})
    world.kube.failNext({method: 'PATCH', pathPrefix: '/apis/apps/v1/namespaces/default/deployments/orgchart', status: 500, count: 1})
    const run = await runVsi(['apply', '-f', specFile], {env: env()})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(1)
    // billing's and reports' accounts are created at once: the first to arrive gets the 403.
    expect(run.stdout).toMatch(/^ {2}failed +service account team-b\/(billing|reports): not allowed to create serviceaccounts "(billing|reports)" in namespace "team-b": injected fault \(403\)$/m)
    expect(run.stdout).toMatch(/^ {2}failed +deployment\/orgchart in default \(annotations, rollout\): .*HTTP 500/m)
    expect(run.stdout).toMatch(/^ {2}skipped +login as default\/internal-app .*: needs deployment\/orgchart in default/m)
    const annotations = world.kube.store.get('Deployment', 'default', 'orgchart')!.spec.template.metadata.annotations ?? {}
    expect(Object.keys(annotations).filter((key) => key.startsWith('vault.hashicorp.com/'))).toEqual([])
    expect(world.kube.requests.filter((r) => r.status === 403 || r.status === 500).map((r) => `${r.method} ${r.status}`).sort()).toEqual(['PATCH 500', 'POST 403'])
    await expectConverges()
    for (const name of ['billing', 'reports']) expect(world.kube.store.get('ServiceAccount', 'team-b', name)!.metadata.labels).toEqual({'app.kubernetes.io/managed-by': 'vsi'})
    expect(world.kube.store.get('Deployment', 'default', 'orgchart')!.spec.template.metadata.annotations).toMatchObject({'vault.hashicorp.com/role': 'internal-app', 'vsi.dev/app': 'internal-app'})
  }, 120_000)

  it('killed while a secret write is in flight: apply again converges and the secret has the file\'s data', async () => {
    // Holds the write of internal/billing/db until a second one arrives, which never does: the run is stuck there.
    world.vault.faults.gateNext(2, 'POST', 'internal/data/billing/db')
    const child = execa(process.execPath, [path.join(projectRoot, 'bin/run.js'), 'apply', '-f', specFile], {
      env: {PATH: process.env.PATH, HOME: isolatedHome, ...env()},
      extendEnv: false,
      reject: false,
    })
    await until(() => world.vault.requests.some((r) => r.method === 'POST' && r.path === '/v1/internal/data/billing/db'))
    child.kill('SIGKILL')
    const killed = await child
    expect(killed.signal).toBe('SIGKILL')
    // The killed run's write is still held: the next run's write of the same secret releases both, so the dead
    // run's request lands at the same moment, as a request already on the wire would.
    await expectConverges()
    const kv = world.vault.state.kv('internal')!
    expect(kv.version === 2 && kv.keys['billing/db'].customMetadata).toEqual({'managed-by': 'vsi', app: 'billing'})
  }, 120_000)

  it('a secret someone wrote whose latest version is deleted is not marked as vsi\'s, and not overwritten', async () => {
    await world.vaultRequest('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
    await world.vaultRequest('POST', 'internal/data/billing/db', {data: {user: 'theirs'}})
    await world.vaultRequest('DELETE', 'internal/data/billing/db')
    const run = await runVsi(['apply', '-f', specFile], {env: env()})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(1)
    expect(run.stdout).toMatch(/^ {2}failed +secret internal\/billing\/db: secret internal\/billing\/db changed since vsi read it \(version 0\); nothing was written$/m)
    const kv = world.vault.state.kv('internal')!
    expect(kv.version === 2 && kv.keys['billing/db'].customMetadata).toBeNull()
    expect(kv.version === 2 && kv.keys['billing/db'].currentVersion).toBe(1)
  }, 120_000)

  it('two applies at once both succeed, and every secret gets one version', async () => {
    world.vault.faults.gateNext(2, 'POST', 'internal/data/billing/db')
    const [a, b] = await Promise.all([runVsi(['apply', '-f', specFile], {env: env()}), runVsi(['apply', '-f', specFile], {env: env()})])
    expect([a.exitCode, b.exitCode], `${a.stdout}\n${a.stderr}\n${b.stdout}\n${b.stderr}`).toEqual([0, 0])
    expect(`${a.stdout}\n${b.stdout}`).toContain('written meanwhile by another run')
    const kv = world.vault.state.kv('internal')!
    expect(kv.version === 2 && Object.fromEntries(Object.entries(kv.keys).map(([key, secret]) => [key, secret.currentVersion]))).toEqual({
      'database/config': 1,
      'billing/db': 1,
      'reports/db': 1,
    })
    await expectConverges()
  }, 120_000)
})

/** Waits for a condition on what the emulators recorded (they emit no event for it), checking every 20 ms. */
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
