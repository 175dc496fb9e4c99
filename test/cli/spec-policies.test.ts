/**
 * `policies: [extra…]` adds existing policies to an app's role. Vault binds a role to a policy that does not exist
 * without a word (the role then grants nothing of it), so vsi checks that each exists, or that an app of the same
 * run writes it.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {specFolder} from '../helpers/spec-files.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const {write} = specFolder('vsi-spec-policies-')
const specFile = write(
  'vsi.yaml',
  `apiVersion: vsi/v1
kind: Injection
apps:
  - name: web
    policies: [shared-read, audit-read, api]
    secrets:
      - file: web.txt
        path: internal/web/config
        data:
          mode: {value: prod}
  - name: api
    secrets:
      - file: api.txt
        path: internal/api/config
        data:
          mode: {value: prod}
`,
)

let world: VaultWorld
const writes = (requests: Array<{method: string; path: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

beforeAll(async () => {
  world = await startVaultWorld()
  await world.vaultRequest('POST', 'sys/policies/acl/shared-read', {policy: 'path "internal/data/shared/*" {\n  capabilities = ["read"]\n}\n'})
})
afterAll(() => world.stop())

describe('vsi.yaml policies: [extra…]', () => {
  it('plan marks an extra policy Vault does not have as missing, and the existing one and the one another app writes as fine', async () => {
    const mark = world.mark()
    const plan = await runVsi(['plan', '-f', specFile], {env: world.env()})
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.stdout).toMatch(/^ {2}unchanged +policy shared-read \(policies:\)$/m)
    expect(plan.stdout).toMatch(/^ {2}missing +policy audit-read \(policies:\): Vault has no policy audit-read: write it first \(vault policy write audit-read …\), or take it out of the app's policies$/m)
    expect(plan.stdout).not.toMatch(/policy api \(policies:\)/)
    expect(plan.stdout).toMatch(/ 1 missing prerequisite \(apply would stop there\)\.$/m)
    expect(writes(mark.vault())).toEqual([])
  })

  it('apply stops before binding the role to it (exit 1); the other app is applied', async () => {
    const run = await runVsi(['apply', '-f', specFile], {env: world.env()})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(1)
    expect(run.stdout).toMatch(/^ {2}failed +policy audit-read \(policies:\): Vault has no policy audit-read/m)
    expect(run.stdout).toMatch(/^ {2}skipped +role web /m)
    const roles = world.vault.state.kubernetes()!.roles
    expect(roles['web']).toBeUndefined()
    expect(roles['api']).toBeDefined()
  }, 90_000)

  it('once the policy exists, apply binds the role to the app\'s policy and every extra one', async () => {
    await world.vaultRequest('POST', 'sys/policies/acl/audit-read', {policy: 'path "internal/data/audit/*" {\n  capabilities = ["read"]\n}\n'})
    const run = await runVsi(['apply', '-f', specFile], {env: world.env()})
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(world.vault.state.kubernetes()!.roles['web']).toMatchObject({token_policies: ['web', 'shared-read', 'audit-read', 'api']})
    expect(run.stdout).toMatch(/^ {2}verified +login as default\/web and read internal\/web\/config: token policies: api, audit-read, default, shared-read, web$/m)
  }, 90_000)
})
