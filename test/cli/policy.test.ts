import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const dir = mkdtempSync(path.join(tmpdir(), 'vsi-policy-'))
const writes = (requests: Array<{method: string}>) => requests.filter((r) => r.method !== 'GET')

describe('vsi policy create / show', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
    await world.vaultRequest('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
    await world.vaultRequest('POST', 'sys/mounts/kv1', {type: 'kv', options: {version: '1'}})
  })
  afterAll(() => world.stop())

  it('translates KV v2 paths from the live mount, prints the HCL with --dry-run, and does not rewrite an unchanged policy', async () => {
    const env = world.env({direct: true})
    const mark = world.mark()
    const dry = await runVsi(['policy', 'create', 'internal-app', '--path', 'internal/database/config', '--dry-run'], {env})
    expect(dry.exitCode, dry.stderr).toBe(0)
    expect(dry.stdout).toBe('would create: policy internal-app\npath "internal/data/database/config" {\n  capabilities = ["read"]\n}')
    expect(writes(mark.vault())).toEqual([])

    const created = await runVsi(['policy', 'create', 'internal-app', '--path', 'internal/database/config', '--json'], {env})
    expect(created.json.result).toMatchObject({name: 'internal-app', status: 'created', dryRun: false})
    expect(world.vault.state.policies()['internal-app']).toBe('path "internal/data/database/config" {\n  capabilities = ["read"]\n}\n')

    const again = world.mark()
    const unchanged = await runVsi(['policy', 'create', 'internal-app', '--path', 'internal/database/config', '--json'], {env})
    expect(unchanged.json.result.status).toBe('unchanged')
    expect(writes(again.vault())).toEqual([])

    const changed = await runVsi(['policy', 'create', 'internal-app', '--path', 'internal/*', '--capabilities', 'read,list', '--json'], {env})
    expect(changed.json.result.status).toBe('changed')
    expect(world.vault.state.policies()['internal-app']).toBe(
      'path "internal/data/*" {\n  capabilities = ["read"]\n}\n\npath "internal/metadata/*" {\n  capabilities = ["list"]\n}\n',
    )

    const [show, missing, v1, other] = await Promise.all([
      runVsi(['policy', 'show', 'internal-app'], {env}),
      runVsi(['policy', 'show', 'nope', '--json'], {env}),
      runVsi(['policy', 'create', 'legacy', '--path', 'kv1/app', '--capabilities', 'read,list', '--dry-run'], {env}),
      runVsi(['policy', 'create', 'lookup', '--path', 'auth/token/lookup-self', '--dry-run', '--json'], {env}),
    ])
    expect(show.stdout).toBe('path "internal/data/*" {\n  capabilities = ["read"]\n}\n\npath "internal/metadata/*" {\n  capabilities = ["list"]\n}')
    expect(missing.exitCode).toBe(1)
    expect(missing.json.error).toMatchObject({code: 'policy-not-found', message: 'no policy named nope'})
    expect(v1.stdout).toContain('path "kv1/app" {\n  capabilities = ["read", "list"]\n}')
    expect(other.json.result.policy).toBe('path "auth/token/lookup-self" {\n  capabilities = ["read"]\n}\n')
    expect(other.json.warnings).toEqual(['auth/token/lookup-self is not under a KV engine: the path is used as written'])
  })

  it('rejects invalid policies: locally (exit 2) or with Vault\'s reason (exit 1)', async () => {
    const bad = path.join(dir, 'bad.hcl')
    writeFileSync(bad, 'path "x" {\n  capabilities = ["read"\n')
    const env = world.env({direct: true})
    const [capability, quote, root, hcl] = await Promise.all([
      runVsi(['policy', 'create', 'p', '--path', 'internal/x', '--capabilities', 'reed'], {env}),
      runVsi(['policy', 'create', 'p', '--path', 'internal/"x'], {env}),
      runVsi(['policy', 'create', 'root', '--path', 'internal/x'], {env}),
      runVsi(['policy', 'create', 'p', '--file', bad, '--json'], {env}),
    ])
    expect([capability.exitCode, quote.exitCode, root.exitCode]).toEqual([2, 2, 2])
    expect(capability.stderr).toContain('unknown capability: reed')
    expect(quote.stderr).toContain('policy path "internal/\\"x" is not valid')
    expect(root.stderr).toContain('the "root" policy cannot be changed')
    expect(hcl.exitCode).toBe(1)
    expect(hcl.json.error.code).toBe('vault-bad-request')
    expect(hcl.json.error.message).toMatch(/^Vault rejected POST sys\/policies\/acl\/p: failed to parse policy/)
  })
})
