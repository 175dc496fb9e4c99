// A dev-mode Vault keeps everything in memory (vault server -dev, inmem storage): deleting its pod makes the
// StatefulSet start a new vault-0 whose Vault has only the dev defaults, and doctor must say so by name.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

let world: VaultWorld
beforeAll(async () => {
  world = await startVaultWorld()
  const setup = await runVsi(['setup', '--secret', 'internal/database/config', 'username=-', '--app', 'internal-app', '--json'], {env: world.env(), input: 'db-user\n'})
  expect(setup.exitCode, setup.stderr).toBe(0)
})
afterAll(() => world.stop())

const checkOf = (result: any, check: string) => result.json.result.checks.find((c: any) => c.check === check)

describe('vault-0 deleted: a dev-mode Vault comes back empty', () => {
  it('before: doctor finds the configuration and reports no memory loss', async () => {
    const before = await runVsi(['doctor', 'deployment/orgchart', '--json'], {env: world.env()})
    expect(checkOf(before, 'auth-mount').status).toBe('pass')
    expect(checkOf(before, 'vault-memory')).toBeUndefined()
  })

  it('after the pod is deleted and recreated, the engines, auth methods, policies and secrets are gone; the root token works', async () => {
    const oldUid = world.kube.store.get('Pod', 'default', 'vault-0')!.metadata.uid
    const oldCluster = (await world.vaultRequest('GET', 'sys/seal-status')).body.cluster_id
    expect(world.kube.store.delete('Pod', 'default', 'vault-0')).toBe(true)
    await world.kube.waitFor('Pod', 'default', 'vault-0', (pod) => pod.metadata.uid !== oldUid)
    await world.kube.settle()
    expect(Object.keys(world.podVault.state.mounts()).sort()).toEqual(['cubbyhole/', 'identity/', 'secret/', 'sys/'])
    expect(Object.keys(world.podVault.state.authMounts())).toEqual(['token/'])
    expect(Object.keys(world.podVault.state.policies()).sort()).toEqual(['default', 'response-wrapping'])
    const status = await world.vaultRequest('GET', 'sys/seal-status')
    expect(status.status).toBe(200)
    expect(status.body.cluster_id).not.toBe(oldCluster)
  })

  it('doctor names the cause: dev mode, nothing configured, the new pod', async () => {
    const after = await runVsi(['doctor', 'deployment/orgchart', '--json'], {env: world.env()})
    const memory = checkOf(after, 'vault-memory')
    expect(memory).toMatchObject({status: 'fail', link: 'vault', failure: {class: 'vault-dev-memory-lost'}})
    expect(memory.failure.reason).toMatch(/runs in dev mode \(in-memory storage\).*pod default\/vault-0 started \d+s ago, 0 restarts: deleting or restarting a dev-mode Vault pod loses/)
    expect(memory.failure.hint).toMatch(/vsi setup/)
    const text = await runVsi(['doctor', 'deployment/orgchart'], {env: world.env()})
    expect(text.stdout + text.stderr).toMatch(/dev mode/)
  })
})
