import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {VaultClient} from '../../../src/vault/client.js'
import type {VsiError} from '../../../src/errors.js'
import {startVaultEmulator, type VaultEmulator} from '../../emulators/vault/index.js'

describe('a request sent without a Vault token', () => {
  let vault: VaultEmulator
  let legacy: http.Server
  beforeAll(async () => {
    vault = await startVaultEmulator()
    // Vault 1.9 and older: 400 "missing client token" (vault/request_handling.go before PR #8457's follow-up in 1.10).
    legacy = http.createServer((_req, res) => {
      res.writeHead(400, {'Content-Type': 'application/json'}).end('{"errors":["missing client token"]}\n')
    })
    await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    await vault.stop()
    await new Promise((resolve) => legacy.close(resolve))
  })

  const failure = async (addr: string): Promise<VsiError> => {
    const client = await VaultClient.create({addr, skipVerify: false})
    try {
      await client.read('sys/mounts')
      throw new Error('expected a failure')
    } catch (error) {
      return error as VsiError
    } finally {
      client.close()
    }
  }

  it('is "no Vault token" with the ways to give one when Vault (>= 1.10) answers 403 permission denied', async () => {
    const error = await failure(vault.url)
    expect(vault.requests.at(-1)).toMatchObject({path: '/v1/sys/mounts', status: 403, token: 'none'})
    expect(error).toMatchObject({code: 'vault-token-missing', exitCode: 2})
    expect(error.message).toBe('No Vault token: GET sys/mounts needs one, and vsi had none to send (Vault answered 403 "permission denied")')
    expect(error.hint).toBe('Set VAULT_TOKEN, run `vault login` (which writes ~/.vault-token), or pass --vault-token.')
  })

  it('is the same for an older Vault answering 400 missing client token', async () => {
    const error = await failure(`http://127.0.0.1:${(legacy.address() as AddressInfo).port}`)
    expect(error).toMatchObject({code: 'vault-token-missing', exitCode: 2})
    expect(error.message).toContain('(Vault answered 400 "missing client token")')
  })
})
