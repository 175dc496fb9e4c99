import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const writes = (requests: Array<{method: string}>) => requests.filter((r) => r.method !== 'GET')
const create = ['role', 'create', 'internal-app', '--service-account', 'internal-app', '--namespace', 'default', '--policy', 'internal-app']

describe('vsi role create / show', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
    await world.vaultRequest('POST', 'sys/auth/kubernetes', {type: 'kubernetes'})
  })
  afterAll(() => world.stop())

  it('creates the role and its service account, keeps them on a re-run, and changes only what differs', async () => {
    const env = world.env()
    const first = await runVsi([...create, '--json'], {env})
    expect(first.exitCode, first.stdout).toBe(0)
    expect(first.json.result.actions.map((a: {step: string; status: string}) => `${a.step}:${a.status}`)).toEqual(['role:created', 'service-account:created'])
    expect(first.json.warnings).toEqual(['policy internal-app does not exist yet: tokens of this role will not have it until it is created'])
    expect(world.vault.state.kubernetes()?.roles['internal-app']).toMatchObject({
      bound_service_account_names: ['internal-app'],
      bound_service_account_namespaces: ['default'],
      token_policies: ['internal-app'],
      token_ttl: 86_400,
    })
    expect(world.kube.store.get('ServiceAccount', 'default', 'internal-app')).toBeDefined()

    const mark = world.mark()
    const again = await runVsi(create, {env})
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toMatch(/^unchanged +role internal-app \(auth\/kubernetes\): service accounts internal-app, namespace default, policies internal-app, ttl 24h$/m)
    expect(again.stdout).toMatch(/^unchanged +service account default\/internal-app$/m)
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])

    const dry = await runVsi([...create, '--ttl', '1h', '--dry-run', '--json'], {env})
    expect(dry.json.result.actions[0]).toMatchObject({status: 'change', detail: 'ttl 24h → 1h'})
    const changed = await runVsi([...create, '--ttl', '1h', '--audience', 'vault', '--json'], {env})
    expect(changed.json.result.actions[0]).toMatchObject({status: 'changed', detail: 'ttl 24h → 1h; audience (none) → vault'})

    const [show, json, missing] = await Promise.all([
      runVsi(['role', 'show', 'internal-app'], {env}),
      runVsi(['role', 'show', 'internal-app', '--json'], {env}),
      runVsi(['role', 'show', 'nope', '--json'], {env}),
    ])
    expect(show.stdout).toBe(
      'role internal-app (auth/kubernetes)\nservice accounts  internal-app\nnamespaces        default\npolicies          internal-app\nttl               1h\naudience          vault',
    )
    expect(json.json.result).toEqual({
      name: 'internal-app',
      authPath: 'kubernetes',
      serviceAccounts: ['internal-app'],
      namespaces: ['default'],
      policies: ['internal-app'],
      ttl: '1h',
      ttlSeconds: 3600,
      audience: 'vault',
    })
    expect(missing.exitCode).toBe(1)
    expect(missing.json.error).toMatchObject({code: 'role-not-found'})
  })

  it('rejects a bad TTL before contacting anything, and explains a missing auth method', async () => {
    const env = world.env()
    const [ttl, noAuth, noAccount] = await Promise.all([
      runVsi([...create, '--ttl', '24 hours'], {env}),
      runVsi(['role', 'create', 'r', '--service-account', 's', '--policy', 'p', '--auth-path', 'nope', '--json'], {env}),
      runVsi(['role', 'create', 'r2', '--service-account', 'no-sa-here', '--policy', 'p', '-n', 'default', '--no-service-account', '--json'], {env}),
    ])
    expect(ttl.exitCode).toBe(2)
    expect(ttl.stderr).toContain('--ttl "24 hours" is not a duration')
    expect(noAuth.exitCode).toBe(1)
    expect(noAuth.json.error).toMatchObject({code: 'auth-mount-missing', message: 'no Kubernetes auth method is enabled at auth/nope/', hint: 'Enable and configure it with: vsi setup --auth-path nope'})
    expect(noAccount.exitCode, noAccount.stdout).toBe(0)
    expect(noAccount.json.result.actions.map((a: {step: string}) => a.step)).toEqual(['role'])
    expect(world.kube.store.get('ServiceAccount', 'default', 'no-sa-here')).toBeUndefined()
  })
})
