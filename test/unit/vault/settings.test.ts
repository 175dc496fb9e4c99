import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {loadVaultSettings, parseVaultAddr} from '../../../src/vault/settings.js'

const home = mkdtempSync(path.join(tmpdir(), 'vsi-settings-'))

describe('Vault settings', () => {
  it('takes flags over VAULT_* over ~/.vault-token', async () => {
    writeFileSync(path.join(home, '.vault-token'), 'file-token-1234\n')
    const env = {HOME: home, VAULT_ADDR: 'http://127.0.0.1:8200/', VAULT_TOKEN: 'env-token-1234'}
    expect(await loadVaultSettings({}, env)).toMatchObject({addr: 'http://127.0.0.1:8200', token: 'env-token-1234', tokenSource: 'VAULT_TOKEN'})
    expect(await loadVaultSettings({'vault-token': 'flag-token-1234', 'vault-addr': 'https://v:8200'}, env)).toMatchObject({
      addr: 'https://v:8200',
      token: 'flag-token-1234',
      tokenSource: '--vault-token',
    })
    expect(await loadVaultSettings({}, {HOME: home})).toMatchObject({addr: undefined, token: 'file-token-1234', tokenSource: '~/.vault-token'})
  })

  it('parses VAULT_SKIP_VERIFY as the vault CLI does ("false" is false)', async () => {
    expect((await loadVaultSettings({}, {HOME: home, VAULT_SKIP_VERIFY: 'false'})).skipVerify).toBe(false)
    expect((await loadVaultSettings({}, {HOME: home, VAULT_SKIP_VERIFY: '1'})).skipVerify).toBe(true)
    await expect(loadVaultSettings({}, {HOME: home, VAULT_SKIP_VERIFY: 'yes'})).rejects.toMatchObject({exitCode: 2})
  })

  it('rejects a malformed address with exit code 2', () => {
    for (const bad of ['127.0.0.1:8200', 'ftp://v', 'http://', 'not a url']) {
      expect(() => parseVaultAddr(bad, 'VAULT_ADDR'), bad).toThrow(expect.objectContaining({code: 'vault-addr-invalid', exitCode: 2}))
    }
  })

  it('reads VAULT_CAPATH as a directory of PEM certificates', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vsi-capath-'))
    writeFileSync(path.join(dir, 'a.pem'), '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n')
    writeFileSync(path.join(dir, 'notes.txt'), 'not a certificate')
    expect((await loadVaultSettings({}, {HOME: home, VAULT_CAPATH: dir})).ca).toBe('-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n')
    await expect(loadVaultSettings({}, {HOME: home, VAULT_CAPATH: home})).rejects.toMatchObject({exitCode: 2})
  })

  it('reports an unreadable VAULT_CACERT as an input error', async () => {
    await expect(loadVaultSettings({}, {HOME: home, VAULT_CACERT: path.join(home, 'missing.pem')})).rejects.toMatchObject({exitCode: 2})
  })
})
