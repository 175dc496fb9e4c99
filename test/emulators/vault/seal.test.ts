// PUT sys/seal, PUT sys/unseal and GET sys/seal-status as hashicorp/vault http/sys_seal.go answers them on a dev server.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {call} from './testing.js'

let vault: VaultEmulator

beforeAll(async () => {
  vault = await startVaultEmulator()
})
afterAll(() => vault.stop())

const unseal = (body: unknown) => call(vault, 'PUT', '/v1/sys/unseal', {body, token: null})

describe('sys/seal', () => {
  it('seals with a root token (204, no body), keeps the data, and unseals with the dev unseal key', async () => {
    await call(vault, 'POST', '/v1/secret/data/kept', {body: {data: {a: '1'}}})
    const sealed = await call(vault, 'PUT', '/v1/sys/seal')
    expect(sealed).toMatchObject({status: 204, text: ''})
    const status = await call(vault, 'GET', '/v1/sys/seal-status', {token: null})
    expect(status.body).toMatchObject({sealed: true, t: 1, n: 1, progress: 0})
    expect(status.body).not.toHaveProperty('cluster_id')
    expect(await call(vault, 'GET', '/v1/secret/data/kept')).toMatchObject({status: 503, body: {errors: ['Vault is sealed']}})
    // Sealing a sealed Vault is a no-op (SealWithRequest returns at once).
    expect((await call(vault, 'PUT', '/v1/sys/seal')).status).toBe(204)
    const unsealed = await unseal({key: vault.unsealKey})
    expect(unsealed).toMatchObject({status: 200, body: {sealed: false, progress: 0}})
    expect(unsealed.body.cluster_id).toMatch(/^[0-9a-f-]{36}$/)
    expect((await call(vault, 'GET', '/v1/secret/data/kept')).body.data.data).toEqual({a: '1'})
  })

  it('needs sudo on sys/seal: 403 permission denied without it, without a token, and with a bad one', async () => {
    await call(vault, 'PUT', '/v1/sys/policies/acl/sealer', {body: {policy: 'path "sys/seal" { capabilities = ["update"] }'}})
    const token = vault.createToken({policies: ['sealer']})
    const denied = {status: 403, body: {errors: ['1 error occurred:\n\t* permission denied\n\n']}}
    expect(await call(vault, 'PUT', '/v1/sys/seal', {token})).toMatchObject(denied)
    expect(await call(vault, 'PUT', '/v1/sys/seal', {token: null})).toMatchObject(denied)
    expect(await call(vault, 'PUT', '/v1/sys/seal', {token: 'hvs.not-a-token'})).toMatchObject(denied)
    expect(vault.state.sealed()).toBe(false)
    expect((await call(vault, 'GET', '/v1/sys/seal')).status).toBe(405)
  })
})

describe('sys/unseal', () => {
  it('refuses requests without a usable key in Vault\'s words', async () => {
    expect(await unseal({})).toMatchObject({status: 400, body: {errors: ["'key' must be specified in request body as JSON, or 'reset' set to true"]}})
    expect(await unseal({key: 'not base64!'})).toMatchObject({status: 400, body: {errors: ["'key' must be a valid hex or base64 string"]}})
    expect(await unseal({key: 'c2hvcnQ='})).toMatchObject({status: 400, body: {errors: ['invalid key: key is shorter than minimum 16 bytes']}})
    expect(await unseal({key: Buffer.alloc(34).toString('base64')})).toMatchObject({status: 400, body: {errors: ['invalid key: key is longer than maximum 33 bytes']}})
    expect(await unseal({reset: true})).toMatchObject({status: 400, body: {errors: ['vault is unsealed']}})
    expect(await unseal({key: 5})).toMatchObject({status: 400, body: {errors: ['failed to parse JSON input: json: cannot unmarshal number into Go struct field UnsealRequest.key of type string']}})
    expect((await call(vault, 'GET', '/v1/sys/unseal')).status).toBe(405)
  })

  it('an unsealed Vault answers its status to any well-formed key; a wrong key on a sealed one is a 500', async () => {
    const wrong = Buffer.alloc(32, 7)
    expect(await unseal({key: wrong.toString('hex')})).toMatchObject({status: 200, body: {sealed: false}})
    vault.faults.seal()
    expect(await unseal({key: wrong.toString('base64')})).toMatchObject({
      status: 500,
      body: {errors: ['unable to retrieve stored keys: failed to decrypt keys from storage: cipher: message authentication failed']},
    })
    expect(await unseal({reset: true})).toMatchObject({status: 200, body: {sealed: true, progress: 0}})
    // The seal fault and the endpoints share one state: the dev key unseals what faults.seal() sealed, hex or base64.
    expect(await unseal({key: Buffer.from(vault.unsealKey, 'base64').toString('hex')})).toMatchObject({status: 200, body: {sealed: false}})
    expect(vault.state.sealed()).toBe(false)
  })
})
