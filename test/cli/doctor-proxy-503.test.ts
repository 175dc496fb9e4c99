// A 503 from a proxy in front of Vault (an HTML page, not Vault's JSON) is Vault being unavailable, never sealed:
// only Vault's own answer (sys/health's "sealed": true, or "Vault is sealed") says sealed (hashicorp/vault
// http/sys_health.go, vault/core.go ErrSealed). doctor --json must class it so.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

let world: VaultWorld
beforeAll(async () => {
  world = await startVaultWorld()
})
afterAll(() => world.stop())

describe('vsi doctor behind a proxy that answers 503', () => {
  it('reports Vault unreachable (exit 1), and nothing as sealed', async () => {
    world.vault.faults.failNext(100_000, 503)
    const result = await runVsi(['doctor', 'deployment/orgchart', '--json'], {env: world.env({direct: true})})
    expect(result.exitCode, result.stderr).toBe(1)
    const checks: any[] = result.json.result.checks
    const status = checks.find((c) => c.check === 'vault-status')
    expect(status, JSON.stringify(checks.filter((c) => c.link === 'vault'))).toMatchObject({status: 'fail', failure: {class: 'vault-unreachable'}})
    expect(checks.filter((c) => c.failure?.class === 'vault-sealed')).toEqual([])
    expect(status.failure.reason).toMatch(/is unavailable: HTTP 503/)
  })
})
