import createNodeVault from 'node-vault'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {call} from './testing.js'

let vault: VaultEmulator

beforeAll(async () => {
  vault = await startVaultEmulator()
})
afterAll(() => vault.stop())

describe('fault injection', () => {
  it('fails the next n matching requests with the given status, then recovers', async () => {
    vault.faults.failNext(2, 503, 'sys/mounts')
    const first = await call(vault, 'GET', '/v1/sys/mounts')
    expect(first.status).toBe(503)
    expect(first.headers['content-type']).toBe('text/html')
    expect((await call(vault, 'GET', '/v1/sys/auth')).status).toBe(200)
    expect((await call(vault, 'GET', '/v1/sys/mounts/secret')).status).toBe(503)
    expect((await call(vault, 'GET', '/v1/sys/mounts')).status).toBe(200)
    vault.faults.failNext(1, 500)
    expect(await call(vault, 'GET', '/v1/anything')).toMatchObject({status: 500, body: {errors: ['internal error']}})
  })

  it('does not apply a failed request to the state', async () => {
    vault.faults.failNext(1, 502, '/v1/sys/mounts/')
    expect((await call(vault, 'POST', '/v1/sys/mounts/failed', {body: {type: 'kv'}})).status).toBe(502)
    expect(vault.state.mounts()).not.toHaveProperty('failed/')
  })

  it('drops connections without an answer, which clients see as transport errors', async () => {
    vault.faults.dropNext(1, '/v1/secret/')
    const nodeVault = createNodeVault({endpoint: vault.url, token: vault.rootToken})
    const error = await nodeVault.read('secret/data/x').then(
      () => undefined,
      (e: {code?: string; response?: unknown}) => e,
    )
    expect(error?.response).toBeUndefined()
    expect(error?.code).toBe('ECONNRESET')
    expect(vault.requests.at(-1)).toMatchObject({path: '/v1/secret/data/x', status: 0})
    expect((await call(vault, 'GET', '/v1/secret/data/x')).status).toBe(404)
  })

  it('adds latency to every request until reset', async () => {
    vault.faults.latencyMs(80)
    const started = Date.now()
    await call(vault, 'GET', '/v1/sys/health')
    expect(Date.now() - started).toBeGreaterThanOrEqual(75)
    vault.faults.latencyMs(0)
  })

  it('seals and unseals', async () => {
    vault.faults.seal()
    expect(vault.state.sealed()).toBe(true)
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self')).status).toBe(503)
    vault.faults.unseal()
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self')).status).toBe(200)
  })

  it('keeps token values and secret data out of the request log', async () => {
    const token = vault.createToken({policies: ['default']})
    await call(vault, 'POST', '/v1/secret/data/logged', {body: {data: {password: 'hunter2-very-secret'}}})
    await call(vault, 'GET', '/v1/auth/token/lookup-self', {token})
    const log = JSON.stringify(vault.requests)
    expect(log).not.toContain(token)
    expect(log).not.toContain('hunter2-very-secret')
    expect(vault.requests.at(-1)).toEqual({method: 'GET', path: '/v1/auth/token/lookup-self', query: '', status: 200, token: 'other'})
  })
})
