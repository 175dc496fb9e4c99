import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {projectRoot, runVsi} from '../helpers/cli.js'
import {startVaultEmulator, type VaultEmulator} from '../emulators/vault/index.js'

const tls = (name: string) => path.join(projectRoot, 'test/fixtures/tls', name)
const get = ['secret', 'get', 'secret/app/db', '--json']

describe('Vault TLS settings as the vault CLI takes them', () => {
  let vault: VaultEmulator
  let mtls: VaultEmulator
  beforeAll(async () => {
    ;[vault, mtls] = await Promise.all([startVaultEmulator({tls: true}), startVaultEmulator({tls: true, requireClientCert: true})])
  })
  afterAll(async () => {
    await Promise.all([vault.stop(), mtls.stop()])
  })

  const env = (server: VaultEmulator, extra: Record<string, string> = {}) => ({VAULT_ADDR: server.url, VAULT_TOKEN: 'root', ...extra})

  it('VAULT_TLS_SERVER_NAME checks the certificate against that name: one it holds passes, another fails', async () => {
    // server.pem holds 127.0.0.1, localhost, kubernetes.default.svc, vault.default.svc.
    const [good, bad, flag] = await Promise.all([
      runVsi(get, {env: env(vault, {VAULT_CACERT: tls('ca.pem'), VAULT_TLS_SERVER_NAME: 'vault.default.svc'})}),
      runVsi(get, {env: env(vault, {VAULT_CACERT: tls('ca.pem'), VAULT_TLS_SERVER_NAME: 'vault.example.com'})}),
      runVsi([...get, '--vault-ca-cert', tls('ca.pem'), '--vault-tls-server-name', 'vault.example.com'], {env: env(vault)}),
    ])
    // 404: no such secret — the connection itself worked.
    expect(good.json.error.code, good.stdout).toBe('secret-not-found')
    expect(bad.json.error.code).toBe('vault-tls')
    expect(bad.json.error.message).toContain("Hostname/IP does not match certificate's altnames")
    expect(flag.json.error.code).toBe('vault-tls')
  })

  it('a listener that requires a client certificate refuses vsi without one and accepts VAULT_CLIENT_CERT/KEY or the flags', async () => {
    const base = {VAULT_CACERT: tls('ca.pem')}
    const [without, withEnv, withFlags, halfGiven] = await Promise.all([
      runVsi(get, {env: env(mtls, base)}),
      runVsi(get, {env: env(mtls, {...base, VAULT_CLIENT_CERT: tls('client.pem'), VAULT_CLIENT_KEY: tls('client-key.pem')})}),
      runVsi([...get, '--vault-client-cert', tls('client.pem'), '--vault-client-key', tls('client-key.pem')], {env: env(mtls, base)}),
      runVsi(get, {env: env(mtls, {...base, VAULT_CLIENT_CERT: tls('client.pem')})}),
    ])
    expect(without.exitCode).toBe(1)
    expect(['vault-tls', 'vault-unreachable']).toContain(without.json.error.code)
    expect(withEnv.json.error.code, withEnv.stdout).toBe('secret-not-found')
    expect(withFlags.json.error.code, withFlags.stdout).toBe('secret-not-found')
    expect(halfGiven.exitCode).toBe(2)
    expect(halfGiven.json.error.message).toBe('VAULT_CLIENT_CERT is set but VAULT_CLIENT_KEY is not')
    expect(mtls.requests.filter((r) => r.path === '/v1/sys/internal/ui/mounts/secret/app/db').length).toBe(2)
  })

  it('VAULT_CAPATH and --vault-tls-skip-verify', async () => {
    const [capath, skip, badTimeout] = await Promise.all([
      runVsi(get, {env: env(vault, {VAULT_CAPATH: path.join(projectRoot, 'test/fixtures/tls')})}),
      runVsi([...get, '--vault-tls-skip-verify'], {env: env(vault)}),
      runVsi(get, {env: env(vault, {VAULT_CLIENT_TIMEOUT: 'soon'})}),
    ])
    expect(capath.json.error.code, capath.stdout).toBe('secret-not-found')
    expect(skip.json.error.code, skip.stdout).toBe('secret-not-found')
    expect(badTimeout.exitCode).toBe(2)
    expect(badTimeout.json.error.message).toBe('VAULT_CLIENT_TIMEOUT "soon" is not a positive duration')
  })
})

describe('a Vault that accepts connections and never answers', () => {
  let vault: VaultEmulator
  beforeAll(async () => {
    vault = await startVaultEmulator()
    vault.faults.hang()
  })
  afterAll(() => vault.stop())

  it('fails within VAULT_CLIENT_TIMEOUT, retries included, naming the timeout', async () => {
    const run = await runVsi(get, {env: {VAULT_ADDR: vault.url, VAULT_TOKEN: 'root', VAULT_CLIENT_TIMEOUT: '2s'}, timeoutMs: 20_000})
    expect(run.exitCode).toBe(1)
    expect(run.json.error).toMatchObject({code: 'vault-timeout', message: `Vault at ${vault.url} did not answer within 2s`})
    expect(run.json.error.hint).toContain('VAULT_CLIENT_TIMEOUT')
    // The deadline covers the retries: the first attempt used it all, so nothing was sent again.
    expect(vault.requests.map((r) => r.path)).toEqual(['/v1/sys/internal/ui/mounts/secret/app/db'])
  })
})
