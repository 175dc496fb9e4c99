import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const statuses = (json: any) => Object.fromEntries(json.result.actions.map((a: {step: string; status: string; detail?: string}) => [a.step, `${a.status}${a.detail ? `: ${a.detail}` : ''}`]))

describe('two vsi setup runs at once', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
    // Both runs' engine enables and secret writes are held until both arrived: each planned on a Vault without them.
    world.vault.faults.gateNext(2, 'POST', 'sys/mounts/internal')
    world.vault.faults.gateNext(2, 'POST', 'internal/data/database/config')
  })
  afterAll(() => world.stop())

  it('the loser of the engine-create race goes on, and check-and-set keeps one version of identical data', async () => {
    const args = ['setup', '--secret', 'internal/database/config', 'password=-', '--app', 'internal-app', '--no-verify', '--json']
    const [a, b] = await Promise.all([runVsi(args, {env: world.env(), input: 'same'}), runVsi(args, {env: world.env(), input: 'same'})])
    expect([a.exitCode, b.exitCode], `${a.stdout}\n${b.stdout}`).toEqual([0, 0])
    const mountWrites = world.vault.requests.filter((r) => r.method === 'POST' && r.path === '/v1/sys/mounts/internal')
    // Both planned "create" and sent the enable; Vault refused the second one.
    expect(mountWrites.map((r) => r.status).sort()).toEqual([204, 400])
    const kvSteps = [statuses(a.json)['kv-mount'], statuses(b.json)['kv-mount']].sort()
    expect(kvSteps).toEqual(['created', 'created: enabled meanwhile by another run'])
    const kv = world.vault.state.kv('internal')
    expect(kv?.version === 2 && kv.keys['database/config'].currentVersion).toBe(1)
    const secretSteps = [statuses(a.json).secret, statuses(b.json).secret].sort()
    expect(secretSteps).toEqual(['created: already version 1 (written meanwhile by another run)', 'created: version 1'])
  })
})

describe('a throttled Kubernetes API server', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())

  it('a write answered 429 with Retry-After is sent again after that delay', async () => {
    world.kube.failNext({method: 'POST', pathPrefix: '/api/v1/namespaces/default/serviceaccounts', status: 429})
    const run = await runVsi(['setup', '--secret', 'internal/database/config', 'password=-', '--app', 'internal-app', '--no-verify', '--json'], {env: world.env(), input: 'x'})
    expect(run.exitCode, run.stdout).toBe(0)
    const creates = world.kube.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/default/serviceaccounts')
    expect(creates.map((r) => r.status)).toEqual([429, 201])
    expect(statuses(run.json)['service-account']).toBe('created')
  })
})
