// KV v2 answers checked against hashicorp/vault-plugin-secrets-kv (path_metadata.go, path_data.go, path_delete.go,
// path_config.go, delete_version_after.go) and hashicorp/vault http/logical.go respondRaw.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {call} from './testing.js'

let vault: VaultEmulator

beforeAll(async () => {
  vault = await startVaultEmulator()
  await call(vault, 'POST', '/v1/sys/mounts/kv', {body: {type: 'kv-v2'}})
})
afterAll(() => vault.stop())

const meta = (path: string, body: unknown) => call(vault, 'POST', `/v1/kv/metadata/${path}`, {body})
const put = (path: string, body: unknown) => call(vault, 'POST', `/v1/kv/data/${path}`, {body})
const patch = (path: string, body: unknown) => call(vault, 'PATCH', `/v1/kv/${path}`, {body, headers: {'Content-Type': 'application/merge-patch+json'}})
const PREFIX = 'custom_metadata validation failed'

describe('custom_metadata validation (path_metadata.go validateCustomMetadata)', () => {
  it('refuses a value longer than 512 bytes with the multierror text', async () => {
    const res = await meta('cm/long', {custom_metadata: {owner: 'é'.repeat(257)}})
    expect(res.status).toBe(400)
    expect(res.body).toEqual({errors: [`1 error occurred:\n\t* ${PREFIX}: length of value for key "owner" is 514 but must be 0 < len(value) <= 512\n\n`]})
    expect((await call(vault, 'GET', '/v1/kv/metadata/cm/long')).status).toBe(404)
  })

  it('reports every problem of one key: empty value and an unprintable key', async () => {
    const res = await meta('cm/bad', {custom_metadata: {'a\tb': ''}})
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([
      `2 errors occurred:\n\t* ${PREFIX}: length of value for key "a\\tb" is 0 but must be 0 < len(value) <= 512\n\t* ${PREFIX}: key "a\\tb" (a\tb) contains unprintable characters\n\n`,
    ])
  })

  it('stops at more than 64 keys', async () => {
    const many = Object.fromEntries(Array.from({length: 65}, (_, i) => [`k${i}`, 'v']))
    expect(await meta('cm/many', {custom_metadata: many})).toMatchObject({status: 400, body: {errors: [`1 error occurred:\n\t* ${PREFIX}: payload must contain at most 64 keys, provided 65\n\n`]}})
  })

  it('WeakDecodes values to strings: a map is an error in the handler, not a field validation error', async () => {
    expect(await meta('cm/nested', {custom_metadata: {a: {b: 'c'}}})).toMatchObject({
      status: 400,
      body: {errors: [`${PREFIX}: '' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[b:c]'`]},
    })
    expect(await meta('cm/nested', {custom_metadata: 'x'})).toMatchObject({
      status: 400,
      // The existence check validates the fields first and answers without the "Field validation failed" prefix.
      body: {errors: [`error converting input x for field "custom_metadata": '' expected a map, got 'string'`]},
    })
    expect((await meta('cm/weak', '{"custom_metadata": {"n": 1.50, "t": true}}')).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/kv/metadata/cm/weak')).body.data.custom_metadata).toEqual({n: '1.50', t: '1'})
  })
})

describe('metadata writes (path_metadata.go pathMetadataWrite)', () => {
  it('a write without any setting is a 204 that creates nothing', async () => {
    expect((await meta('mw/none', {unrelated: 1})).status).toBe(204)
    expect(await call(vault, 'GET', '/v1/kv/metadata/mw/none')).toMatchObject({status: 404, body: {errors: []}})
  })

  it('an empty custom_metadata reads back as null (an empty protobuf map)', async () => {
    expect((await meta('mw/empty', {custom_metadata: {}})).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/kv/metadata/mw/empty')).body.data).toMatchObject({custom_metadata: null, current_version: 0})
  })

  it('sets created_time and updated_time once, when the key is new', async () => {
    await meta('mw/times', {max_versions: 3})
    const first = (await call(vault, 'GET', '/v1/kv/metadata/mw/times')).body.data
    expect(first.updated_time).toBe(first.created_time)
    vault.clock.advance(5_000)
    await meta('mw/times', {max_versions: 4})
    const second = (await call(vault, 'GET', '/v1/kv/metadata/mw/times')).body.data
    expect(second).toMatchObject({max_versions: 4, updated_time: first.updated_time, created_time: first.created_time})
  })

  it('warns when cas_required=false is sent while the mount mandates it', async () => {
    const strict = await startVaultEmulator()
    try {
      await call(strict, 'POST', '/v1/secret/config', {body: {cas_required: true}})
      const res = await call(strict, 'POST', '/v1/secret/metadata/x', {body: {cas_required: false}})
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({data: null, warnings: ['"cas_required" set to false, but is mandated by backend config. This value will be ignored.']})
    } finally {
      await strict.stop()
    }
  })
})

describe('metadata patch (path_metadata.go pathMetadataPatch)', () => {
  it('answers a key without metadata with 404 and an empty body', async () => {
    const res = await patch('metadata/mp/none', {custom_metadata: {a: 'b'}})
    expect(res.status).toBe(404)
    expect(res.text).toBe('')
    expect(res.headers['content-type']).toBe('application/json')
  })

  it('merges custom_metadata, a null removing a key', async () => {
    await meta('mp/key', {custom_metadata: {keep: '1', drop: '2'}})
    expect((await patch('metadata/mp/key', {custom_metadata: {drop: null, add: '3'}})).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/kv/metadata/mp/key')).body.data.custom_metadata).toEqual({add: '3', keep: '1'})
  })
})

describe('versions (path_data.go, delete_version_after.go)', () => {
  it('moves oldest_version to 1 once a new key reaches 10 versions', async () => {
    for (let i = 0; i < 10; i++) await put('v/ten', {data: {i}})
    const data = (await call(vault, 'GET', '/v1/kv/metadata/v/ten')).body.data
    expect(data).toMatchObject({current_version: 10, oldest_version: 1})
    expect(Object.keys(data.versions)).toHaveLength(10)
  })

  it('keeps the larger of the key\'s and the mount\'s max_versions', async () => {
    const own = await startVaultEmulator()
    try {
      await call(own, 'POST', '/v1/secret/config', {body: {max_versions: 2}})
      await call(own, 'POST', '/v1/secret/metadata/k', {body: {max_versions: 4}})
      for (let i = 0; i < 6; i++) await call(own, 'POST', '/v1/secret/data/k', {body: {data: {i}}})
      const data = (await call(own, 'GET', '/v1/secret/metadata/k')).body.data
      expect(data).toMatchObject({current_version: 6, oldest_version: 3})
      expect(Object.keys(data.versions).sort()).toEqual(['3', '4', '5', '6'])
    } finally {
      await own.stop()
    }
  })

  it('takes the shorter delete_version_after, none when the mount disables it (-1s), and undelete sets a new one', async () => {
    const own = await startVaultEmulator()
    try {
      await call(own, 'POST', '/v1/secret/config', {body: {delete_version_after: '1h'}})
      await call(own, 'POST', '/v1/secret/metadata/k', {body: {delete_version_after: '2h'}})
      const written = (await call(own, 'POST', '/v1/secret/data/k', {body: {data: {a: 'b'}}})).body.data
      expect(Date.parse(written.deletion_time) - Date.parse(written.created_time)).toBeCloseTo(3_600_000, -1)
      expect((await call(own, 'DELETE', '/v1/secret/data/k')).status).toBe(204)
      own.clock.advance(600_000)
      expect((await call(own, 'POST', '/v1/secret/undelete/k', {body: {versions: [1]}})).status).toBe(204)
      const undeleted = (await call(own, 'GET', '/v1/secret/data/k')).body.data.metadata
      // One hour from the undelete, ten minutes after the first deletion_time.
      expect(Date.parse(undeleted.deletion_time) - Date.parse(written.deletion_time)).toBeGreaterThanOrEqual(600_000)
      await call(own, 'POST', '/v1/secret/config', {body: {delete_version_after: '-5s'}})
      expect((await call(own, 'GET', '/v1/secret/config')).body.data.delete_version_after).toBe('-1s')
      expect((await call(own, 'POST', '/v1/secret/data/k', {body: {data: {a: 'c'}}})).body.data.deletion_time).toBe('')
    } finally {
      await own.stop()
    }
  })

  it('decodes cas as mapstructure.WeakDecode does', async () => {
    await put('cas/k', {data: {a: 1}})
    expect((await put('cas/k', {data: {a: 2}, options: {cas: '0x1'}})).body.data.version).toBe(2)
    expect((await put('cas/k', {data: {a: 3}, options: {cas: '+2'}})).body.data.version).toBe(3)
    expect(await put('cas/k', {data: {a: 4}, options: {cas: true}})).toMatchObject({status: 400, body: {errors: ['check-and-set parameter did not match the current version']}})
    expect(await put('cas/k', {data: {a: 4}, options: {cas: '3.0'}})).toMatchObject({status: 400, body: {errors: ['error parsing check-and-set parameter']}})
    const exponent = await call(vault, 'POST', '/v1/kv/data/cas/k', {body: '{"data": {"a": 4}, "options": {"cas": 3e0}}'})
    expect(exponent).toMatchObject({status: 400, body: {errors: ['error parsing check-and-set parameter']}})
  })

  it('patching a key that was never written is a 404 with an empty body', async () => {
    const res = await patch('data/never', {data: {a: 'b'}})
    expect(res.status).toBe(404)
    expect(res.text).toBe('')
  })
})

describe('listing (path_metadata.go pathMetadataList)', () => {
  it('exclude_deleted leaves out keys whose current version is deleted, keeps folders', async () => {
    await put('ls/live', {data: {a: 1}})
    await put('ls/gone', {data: {a: 1}})
    await put('ls/sub/x', {data: {a: 1}})
    await call(vault, 'DELETE', '/v1/kv/data/ls/gone')
    expect((await call(vault, 'LIST', '/v1/kv/metadata/ls')).body.data.keys).toEqual(['gone', 'live', 'sub/'])
    const filtered = await call(vault, 'LIST', '/v1/kv/metadata/ls?exclude_deleted=true')
    expect(filtered.body).toMatchObject({data: {keys: ['live', 'sub/']}, warnings: null})
  })
})
