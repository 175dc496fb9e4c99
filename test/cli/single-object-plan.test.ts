import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const writes = (requests: Array<{method: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

describe('vsi role create / policy create plan as vsi setup does', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())

  it('finds nothing to change in the policy, role and service account vsi setup made for the same app, and writes nothing', async () => {
    const env = world.env()
    const setup = await runVsi(['setup', '--secret', 'internal/database/config', 'username=app', '--app', 'internal-app'], {env})
    expect(setup.exitCode, setup.stderr).toBe(0)
    expect(setup.stdout).toMatch(/^created +role internal-app /m)

    const mark = world.mark()
    const [role, policy] = await Promise.all([
      runVsi(['role', 'create', 'internal-app', '--service-account', 'internal-app', '--namespace', 'default', '--policy', 'internal-app', '--json'], {env}),
      runVsi(['policy', 'create', 'internal-app', '--path', 'internal/database/config', '--json'], {env}),
    ])
    expect(role.exitCode, role.stderr).toBe(0)
    expect(role.json.result.actions.map((a: {step: string; status: string}) => `${a.step}:${a.status}`)).toEqual(['role:unchanged', 'service-account:unchanged'])
    expect(policy.exitCode, policy.stderr).toBe(0)
    expect(policy.json.result).toMatchObject({status: 'unchanged', policy: world.vault.state.policies()['internal-app']})
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
  })

  it('names a missing auth method the same way when the role is written through the plan', async () => {
    const result = await runVsi(['role', 'create', 'payroll', '--service-account', 'payroll', '--namespace', 'default', '--policy', 'payroll', '--auth-path', 'elsewhere', '--json'], {env: world.env()})
    expect(result.exitCode).toBe(1)
    expect(result.json.error).toMatchObject({code: 'auth-mount-missing', message: 'no Kubernetes auth method is enabled at auth/elsewhere/'})
    // The service account waits for its role: a role that was not written creates no account.
    expect(world.kube.store.get('ServiceAccount', 'default', 'payroll')).toBeUndefined()
  })
})
