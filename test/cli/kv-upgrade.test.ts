import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

// A new kv v2 mount answers 400 "Upgrading from non-versioned to versioned data" until its upgrade is done, which can
// take seconds on a real Vault: vsi waits it out instead of failing the write (npm run emulators upgrades for 1 s).
// Here the upgrade lasts until the test moves Vault's clock past it, once vsi's write has been answered 400: the write
// arrives during the upgrade however long vsi takes to start (no race with the machine's load).
const UPGRADE_MS = 30 * 60_000

describe('a write to a kv v2 mount that is still upgrading', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld({vault: {kvV2UpgradeMs: UPGRADE_MS}})
  })
  afterAll(() => world.stop())

  it('waits until the upgrade is done, then writes once', async () => {
    await world.vaultRequest('POST', 'sys/mounts/fresh', {type: 'kv', options: {version: '2'}})
    const since = world.mark()
    const writes = () => since.vault().filter((request) => request.method === 'POST' && request.path === '/v1/fresh/data/app')
    const run = runVsi(['secret', 'put', 'fresh/app', 'user=-'], {env: world.env({direct: true}), input: 'value-after-upgrade'})
    await until(() => writes().some((request) => request.status === 400))
    world.vault.clock.advance(UPGRADE_MS)
    const result = await run
    expect(result.exitCode, result.stderr).toBe(0)
    const kv = world.vault.state.kv('fresh')
    expect(kv?.version === 2 && kv.keys['app'].versions[1].data).toEqual({user: 'value-after-upgrade'})
    expect(writes().at(0)?.status).toBe(400)
    expect(writes().filter((request) => request.status === 200)).toHaveLength(1)
  })
})

/** Waits for a condition on what the emulator recorded (it emits no event for it), checking every 20 ms. */
async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
