import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runVsi} from '../helpers/cli.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const API_KEY = 'setup-api-key-5e21'
const PASSWORD = 'setup-db-password-a9c0'
const dir = mkdtempSync(path.join(tmpdir(), 'vsi-setup-secrets-'))
const keyFile = path.join(dir, 'key.txt')
writeFileSync(keyFile, API_KEY)

const args = ['setup', '--secret', 'internal/database/config', 'username=reader', 'password=-', '--app', 'multi-app', '--secret', 'internal/api/key', `key=@${keyFile}`, '--ttl', '1h']
const writes = (requests: Array<{method: string}>) => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')

describe('vsi setup with --secret repeated, or without --app', () => {
  let world: VaultWorld
  beforeAll(async () => {
    world = await startVaultWorld()
  })
  afterAll(() => world.stop())

  it('writes each secret with the values after its --secret, one policy reading both, and proves the app reads both', async () => {
    const run = await runVsi([...args, '--json'], {env: world.env(), input: PASSWORD})
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.json.result.actions.map((a: {step: string; status: string}) => `${a.step}:${a.status}`)).toEqual([
      'kv-mount:created',
      'secret:internal/database/config:created',
      'secret:internal/api/key:created',
      'auth-method:created',
      'vault-auth-delegator:unchanged',
      'auth-config:created',
      'policy:created',
      'role:created',
      'service-account:created',
      'verify:verified',
    ])
    const verify = run.json.result.actions.find((a: {step: string}) => a.step === 'verify')
    expect(verify.target).toBe('login as default/multi-app and read 2 secrets')
    expect(run.json.result.actions.find((a: {step: string}) => a.step === 'role').target).toBe('role multi-app (auth/kubernetes, ttl 1h)')
    const {state} = world.vault
    const kv = state.kv('internal')
    expect(kv?.version === 2 && kv.keys['database/config'].versions[1].data).toEqual({username: 'reader', password: PASSWORD})
    expect(kv?.version === 2 && kv.keys['api/key'].versions[1].data).toEqual({key: API_KEY})
    expect(state.policies()['multi-app']).toBe(
      'path "internal/data/database/config" {\n  capabilities = ["read"]\n}\n\npath "internal/data/api/key" {\n  capabilities = ["read"]\n}\n',
    )
    expect(leakedSecrets(run, [PASSWORD, API_KEY, world.vault.rootToken])).toEqual([])

    const mark = world.mark()
    const rerun = await runVsi([...args, '--json'], {env: world.env(), input: PASSWORD})
    expect(rerun.exitCode, rerun.stdout).toBe(0)
    expect(rerun.json.result.writes).toBe(0)
    expect(writes(mark.vault())).toEqual([])
    expect(writes(mark.kube())).toEqual([])
  }, 60_000)

  it('with --secret alone (no --app) writes the secret and nothing for an app', async () => {
    const policies = Object.keys(world.vault.state.policies()).sort()
    const run = await runVsi(['setup', '--secret', 'internal/solo/config', 'token=-', '--json'], {env: world.env(), input: PASSWORD})
    expect(run.exitCode, run.stdout).toBe(0)
    expect(run.json.result.actions.map((a: {step: string; status: string}) => `${a.step}:${a.status}`)).toEqual([
      'kv-mount:unchanged',
      'secret:created',
      'auth-method:unchanged',
      'vault-auth-delegator:unchanged',
      'auth-config:unchanged',
    ])
    const kv = world.vault.state.kv('internal')
    expect(kv?.version === 2 && kv.keys['solo/config'].versions[1].data).toEqual({token: PASSWORD})
    // Unmarked, as setup always wrote: no custom_metadata.
    expect(kv?.version === 2 && kv.keys['solo/config'].customMetadata).toBeNull()
    expect(Object.keys(world.vault.state.policies()).sort()).toEqual(policies)
  })

  it('refuses, before contacting anything, values that stand before the first of several --secret, and a --secret given twice', async () => {
    const mark = world.mark()
    const [early, twice] = await Promise.all([
      runVsi(['setup', 'user=x', '--secret', 'internal/a', '--secret', 'internal/b', 'key=y'], {env: world.env()}),
      runVsi(['setup', '--secret', 'internal/a', 'user=x', '--secret', 'internal/a/'], {env: world.env()}),
    ])
    expect(early.exitCode).toBe(2)
    expect(early.stderr).toContain('secret data argument 1 comes before any --secret: with several --secret, put each key=value argument after the --secret it belongs to')
    expect(twice.exitCode).toBe(2)
    expect(twice.stderr).toContain('--secret internal/a is given twice')
    expect(mark.vault()).toEqual([])
    expect(mark.kube()).toEqual([])
  })
})
