/**
 * The emulated Vault Agent reads a KV v2 version that was deleted or destroyed as the real one does: Vault answers 404
 * with the version's metadata (vault-plugin-secrets-kv path_data.go), Vault's client keeps a 404 with data as a secret
 * (api/logical.go ParseRawResponseAndCloseBody), and consul-template refuses it only when its deletion_time has passed
 * (dependency/vault_read.go deletedKVv2).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {secretOf404} from './injector/agent.js'
import {startVaultEmulator, type VaultEmulator} from '../vault/index.js'
import {call} from '../vault/testing.js'

let vault: VaultEmulator

beforeAll(async () => {
  vault = await startVaultEmulator()
  await call(vault, 'POST', '/v1/sys/mounts/kv', {body: {type: 'kv-v2'}})
  for (const key of ['deleted', 'destroyed', 'both']) await call(vault, 'POST', `/v1/kv/data/${key}`, {body: {data: {password: 'pw'}}})
  await call(vault, 'DELETE', '/v1/kv/data/deleted')
  await call(vault, 'PUT', '/v1/kv/destroy/destroyed', {body: {versions: [1]}})
  await call(vault, 'DELETE', '/v1/kv/data/both')
  await call(vault, 'PUT', '/v1/kv/destroy/both', {body: {versions: [1]}})
})
afterAll(() => vault.stop())

async function read404(path: string): Promise<string> {
  const answer = await call(vault, 'GET', `/v1/${path}`)
  expect(answer.status).toBe(404)
  return answer.text
}

describe('the emulated agent on a 404 from Vault', () => {
  it('has no secret for a deleted version (its deletion_time has passed)', async () => {
    expect(secretOf404(await read404('kv/data/deleted'), new Date())).toBeUndefined()
  })

  it('renders a destroyed version that was never deleted, with Data.data nil', async () => {
    const secret = secretOf404(await read404('kv/data/destroyed'), new Date())
    expect(secret?.Data).toMatchObject({data: null, metadata: {deletion_time: '', destroyed: true, version: 1}})
  })

  it('has no secret for a version deleted and then destroyed', async () => {
    expect(secretOf404(await read404('kv/data/both'), new Date())).toBeUndefined()
  })

  it('has no secret for a plain 404 ({"errors": []}) nor for one whose deletion_time is still to come', async () => {
    expect(secretOf404(await read404('kv/data/never'), new Date())).toBeUndefined()
    const deleted = await read404('kv/data/deleted')
    expect(secretOf404(deleted, new Date(0))?.Data).toMatchObject({data: null, metadata: {destroyed: false}})
  })
})
