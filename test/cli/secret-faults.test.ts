import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {projectRoot, runVsi} from '../helpers/cli.js'
import {leakedSecrets, startVaultWorld, type VaultWorld} from '../helpers/vault-world.js'

const tls = (name: string) => path.join(projectRoot, 'test/fixtures/tls', name)

/** Vault access failures, seen through `vsi secret get/put` against an HTTPS Vault. */
describe('Vault access faults', () => {
  let world: VaultWorld
  let env: Record<string, string>
  beforeAll(async () => {
    world = await startVaultWorld({vault: {tls: true}})
    env = {...world.env({direct: true}), VAULT_CACERT: tls('ca.pem')}
    // The dev server's secret/ engine has been up a while: past its kv-v2 upgrade window, so the arranged write lands.
    world.vault.clock.advance(60_000)
    const arranged = await world.vaultRequest('POST', 'secret/data/app/db', {data: {password: 'stored-password'}})
    if (arranged.status !== 200) throw new Error(`arranging secret/app/db failed: ${arranged.status} ${JSON.stringify(arranged.body)}`)
  })
  afterAll(() => world.stop())

  it('checks the address and TLS as the vault CLI does', async () => {
    const [malformed, refused, wrongCa, skipVerify, rightCa, http, namespaced] = await Promise.all([
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env: {...env, VAULT_ADDR: 'vault:8200'}}),
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env: {...env, VAULT_ADDR: 'http://127.0.0.1:1'}}),
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env: {...env, VAULT_CACERT: tls('other-ca.pem')}}),
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env: {...env, VAULT_CACERT: tls('other-ca.pem'), VAULT_SKIP_VERIFY: 'true'}}),
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env}),
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env: {...env, VAULT_ADDR: world.vault.url.replace('https:', 'http:')}}),
      runVsi(['secret', 'get', 'secret/app/db', '--vault-namespace', 'team-a'], {env: {...env, VAULT_NAMESPACE: 'ignored'}}),
    ])
    expect(malformed.exitCode).toBe(2)
    expect(malformed.json.error).toMatchObject({code: 'vault-addr-invalid', message: 'VAULT_ADDR "vault:8200" is not a valid Vault address'})
    expect(refused.exitCode).toBe(1)
    expect(refused.json.error).toMatchObject({code: 'vault-unreachable', message: 'Cannot reach Vault at http://127.0.0.1:1: connection refused'})
    expect(wrongCa.exitCode).toBe(1)
    expect(wrongCa.json.error.code).toBe('vault-tls')
    expect(wrongCa.json.error.message).toContain(`TLS error talking to Vault at ${world.vault.url}`)
    expect(wrongCa.json.error.hint).toContain('VAULT_CACERT')
    expect(skipVerify.exitCode, skipVerify.stdout).toBe(0)
    expect(rightCa.exitCode, rightCa.stdout).toBe(0)
    expect(http.exitCode).toBe(1)
    // Go's HTTPS server answers plain HTTP with 400 "Client sent an HTTP request to an HTTPS server." (the emulator does too).
    expect(http.json.error).toMatchObject({
      code: 'vault-tls',
      message: `Vault at ${world.vault.url.replace('https:', 'http:')} expects HTTPS`,
      hint: 'Use an https:// address in VAULT_ADDR or --vault-addr.',
    })
    expect(namespaced.exitCode, namespaced.stderr).toBe(0)
    expect(world.vault.requests.filter((r) => r.namespace === 'team-a').length).toBeGreaterThan(0)
    expect(world.vault.requests.filter((r) => r.namespace === 'ignored')).toEqual([])
  })

  it('names the path and the missing capability on a 403, and tells an expired token apart', async () => {
    await world.vaultRequest('POST', 'sys/policies/acl/reader', {policy: 'path "secret/data/app/*" { capabilities = ["read"] }'})
    const reader = world.vault.createToken({policies: ['reader']})
    const shortLived = world.vault.createToken({policies: ['reader'], ttl: '1m'})
    world.vault.clock.advance(120_000)
    const [denied, expired, missing, debugRun] = await Promise.all([
      runVsi(['secret', 'put', 'secret/app/db', 'password=-', '--json'], {env: {...env, VAULT_TOKEN: reader}, input: 'new-password'}),
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env: {...env, VAULT_TOKEN: shortLived}}),
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env: {...env, VAULT_TOKEN: undefined}}),
      runVsi(['secret', 'put', 'secret/app/db', 'password=-', '--debug'], {env: {...env, VAULT_TOKEN: reader}, input: 'new-password'}),
    ])
    expect(denied.exitCode).toBe(1)
    expect(denied.json.error).toMatchObject({
      code: 'vault-permission-denied',
      message: 'Permission denied: the Vault token lacks "create" or "update" on secret/data/app/db (its capabilities there: read)',
    })
    expect(expired.exitCode).toBe(1)
    expect(expired.json.error).toMatchObject({code: 'vault-token-invalid', message: 'The Vault token (from VAULT_TOKEN) is invalid or has expired'})
    expect(missing.exitCode).toBe(2)
    expect(missing.json.error.code).toBe('vault-token-missing')
    expect(debugRun.stderr).toContain('[debug] node-vault POST')
    for (const run of [denied, expired, debugRun]) expect(leakedSecrets(run, [reader, shortLived, 'new-password', 'stored-password'])).toEqual([])
  })

  it('retries transient failures of reads, and explains mounts that are missing or not KV', async () => {
    await world.vaultRequest('POST', 'sys/mounts/pki', {type: 'pki'})
    world.vault.faults.failNext(2, 502, 'secret/data/app/db')
    const [retried, noMount, notKv] = await Promise.all([
      runVsi(['secret', 'get', 'secret/app/db', '--json'], {env}),
      runVsi(['secret', 'get', 'nowhere/app', '--json'], {env}),
      runVsi(['secret', 'get', 'pki/x', '--json'], {env}),
    ])
    expect(retried.exitCode, retried.stdout).toBe(0)
    expect(noMount.exitCode).toBe(1)
    expect(noMount.json.error).toMatchObject({code: 'kv-mount-missing', message: 'no secrets engine is mounted at nowhere/ (for nowhere/app)'})
    expect(notKv.exitCode).toBe(1)
    expect(notKv.json.error).toMatchObject({code: 'kv-mount-wrong-type', message: 'pki/ is a pki secrets engine, not KV (for pki/x)'})
  })
})
