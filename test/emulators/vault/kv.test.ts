import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createHash} from 'node:crypto'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {call} from './testing.js'

let vault: VaultEmulator

beforeAll(async () => {
  vault = await startVaultEmulator()
  await call(vault, 'POST', '/v1/sys/mounts/internal', {body: {type: 'kv-v2'}})
  await call(vault, 'POST', '/v1/sys/mounts/v1', {body: {type: 'kv'}})
})
afterAll(() => vault.stop())

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/

describe('KV v2 data', () => {
  it('writes (200 with the version) and reads back, latest or by version', async () => {
    const first = await call(vault, 'POST', '/v1/internal/data/database/config', {body: {data: {username: 'db-readonly-username', password: 'db-secret-password'}}})
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({data: {custom_metadata: null, deletion_time: '', destroyed: false, version: 1}, mount_type: 'kv'})
    expect(first.body.data.created_time).toMatch(RFC3339_NANO)
    await call(vault, 'PUT', '/v1/internal/data/database/config', {body: {data: {username: 'second'}, options: {}}})
    const latest = await call(vault, 'GET', '/v1/internal/data/database/config')
    expect(latest.body.data).toMatchObject({data: {username: 'second'}, metadata: {version: 2, destroyed: false, deletion_time: ''}})
    const v1 = await call(vault, 'GET', '/v1/internal/data/database/config?version=1')
    expect(v1.body.data.data).toEqual({password: 'db-secret-password', username: 'db-readonly-username'})
    expect(await call(vault, 'GET', '/v1/internal/data/database/config?version=9')).toMatchObject({status: 404, body: {errors: []}})
    expect(await call(vault, 'GET', '/v1/internal/data/never')).toMatchObject({status: 404, body: {errors: []}})
  })

  it('enforces check-and-set with Vault\'s messages', async () => {
    const write = (body: unknown) => call(vault, 'POST', '/v1/internal/data/cas', {body})
    expect((await write({data: {a: 1}, options: {cas: 0}})).status).toBe(200)
    expect(await write({data: {a: 2}, options: {cas: 0}})).toMatchObject({status: 400, body: {errors: ['check-and-set parameter did not match the current version']}})
    expect((await write({data: {a: 2}, options: {cas: 1}})).body.data.version).toBe(2)
    expect(await write({data: {a: 3}, options: {cas: 'x'}})).toMatchObject({status: 400, body: {errors: ['error parsing check-and-set parameter']}})
    expect(await write({options: {}})).toMatchObject({status: 400, body: {errors: ['no data provided']}})
    await call(vault, 'POST', '/v1/internal/metadata/cas', {body: {cas_required: true}})
    expect(await write({data: {a: 3}})).toMatchObject({status: 400, body: {errors: ['check-and-set parameter required for this call']}})
    expect((await write({data: {a: 3}, options: {cas: 2}})).status).toBe(200)
  })

  it('soft-deletes (404 with metadata and no errors key), undeletes and destroys', async () => {
    await call(vault, 'POST', '/v1/internal/data/gone', {body: {data: {k: 'v'}}})
    expect((await call(vault, 'DELETE', '/v1/internal/data/gone')).status).toBe(204)
    expect((await call(vault, 'DELETE', '/v1/internal/data/gone')).status).toBe(204)
    const deleted = await call(vault, 'GET', '/v1/internal/data/gone')
    expect(deleted.status).toBe(404)
    expect(deleted.body).not.toHaveProperty('errors')
    expect(deleted.body).toMatchObject({data: {data: null, metadata: {version: 1, destroyed: false}}, mount_type: ''})
    expect(deleted.body.data.metadata.deletion_time).toMatch(RFC3339_NANO)
    expect(deleted.text.endsWith('\n')).toBe(false)
    expect((await call(vault, 'POST', '/v1/internal/undelete/gone', {body: {versions: [1]}})).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/internal/data/gone')).body.data.data).toEqual({k: 'v'})
    expect((await call(vault, 'PUT', '/v1/internal/destroy/gone', {body: {versions: '1'}})).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/internal/data/gone')).body.data.metadata.destroyed).toBe(true)
    expect(await call(vault, 'POST', '/v1/internal/delete/gone', {body: {}})).toMatchObject({status: 400, body: {errors: ['No version number provided']}})
    expect((await call(vault, 'DELETE', '/v1/internal/data/never-written')).status).toBe(204)
  })

  it('patches with a JSON merge patch into a new version', async () => {
    await call(vault, 'POST', '/v1/internal/data/patched', {body: {data: {a: '1', b: '2'}}})
    const res = await call(vault, 'PATCH', '/v1/internal/data/patched', {body: {data: {b: null, c: '3'}}, headers: {'Content-Type': 'application/merge-patch+json'}})
    expect(res.body.data.version).toBe(2)
    expect((await call(vault, 'GET', '/v1/internal/data/patched')).body.data.data).toEqual({a: '1', c: '3'})
  })

  it('answers v1-style paths and bare roots on a v2 mount with a hint', async () => {
    const v1Style = await call(vault, 'GET', '/v1/internal/database/config')
    expect(v1Style.status).toBe(404)
    expect(v1Style.body.warnings).toEqual([
      "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
    ])
    expect((await call(vault, 'PUT', '/v1/internal/x', {body: {a: 1}})).body.warnings[0]).toContain("use 'vault kv put'")
    expect((await call(vault, 'GET', '/v1/internal/data')).body.warnings).toEqual(['Non-listing operations on the root of a K/V v2 mount are not supported.'])
  })

  it('keeps at most max_versions versions and prints version keys in Go map order', async () => {
    for (let i = 0; i < 11; i++) await call(vault, 'POST', '/v1/internal/data/many', {body: {data: {i}}})
    const meta = await call(vault, 'GET', '/v1/internal/metadata/many')
    expect(meta.body.data).toMatchObject({current_version: 11, oldest_version: 2, max_versions: 0, delete_version_after: '0s', cas_required: false})
    expect(Object.keys(meta.body.data.versions)).toHaveLength(10)
    expect(meta.text).toContain('"versions":{"10":')
  })
})

describe('KV v2 metadata and listing', () => {
  it('reads metadata as Vault shows it', async () => {
    await call(vault, 'POST', '/v1/internal/data/app/one', {body: {data: {x: 1}}})
    const res = await call(vault, 'GET', '/v1/internal/metadata/app/one')
    expect(res.body.data).toMatchObject({cas_required: false, current_version: 1, custom_metadata: null, delete_version_after: '0s', max_versions: 0, oldest_version: 0})
    expect(res.body.data.versions['1']).toEqual({
      created_by: {actor: 'token', operation: 'create', client_id: createHash('sha256').update('root\x00root').digest('base64')},
      created_time: res.body.data.created_time,
      deleted_by: null,
      deletion_time: '',
      destroyed: false,
    })
    expect(res.body.data.updated_time).toMatch(RFC3339_NANO)
    expect(await call(vault, 'GET', '/v1/internal/metadata/app/none')).toMatchObject({status: 404, body: {errors: []}})
  })

  it('lists keys and folders with LIST or ?list=true, 404 when empty', async () => {
    await call(vault, 'POST', '/v1/internal/data/app/two', {body: {data: {x: 2}}})
    await call(vault, 'POST', '/v1/internal/data/app/sub/three', {body: {data: {x: 3}}})
    expect((await call(vault, 'LIST', '/v1/internal/metadata/app')).body.data.keys).toEqual(['one', 'sub/', 'two'])
    expect((await call(vault, 'GET', '/v1/internal/metadata/app/?list=true')).body.data.keys).toEqual(['one', 'sub/', 'two'])
    expect(await call(vault, 'LIST', '/v1/internal/metadata/nothing')).toMatchObject({status: 404, body: {errors: []}})
  })

  it('writes custom metadata and deletes every version with the metadata', async () => {
    expect((await call(vault, 'POST', '/v1/internal/metadata/app/two', {body: {custom_metadata: {owner: 'team'}, max_versions: 3}})).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/internal/data/app/two')).body.data.metadata.custom_metadata).toEqual({owner: 'team'})
    expect((await call(vault, 'DELETE', '/v1/internal/metadata/app/two')).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/internal/data/app/two')).status).toBe(404)
  })

  it('reads and writes the engine config', async () => {
    expect((await call(vault, 'GET', '/v1/internal/config')).body.data).toEqual({cas_required: false, delete_version_after: '0s', max_versions: 0})
    expect((await call(vault, 'POST', '/v1/internal/config', {body: {max_versions: 5, delete_version_after: '1h30m'}})).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/internal/config')).body.data).toEqual({cas_required: false, delete_version_after: '1h30m0s', max_versions: 5})
  })

  it('answers 400 "Upgrading…" while a fresh kv-v2 mount upgrades', async () => {
    const slow = await startVaultEmulator({kvV2UpgradeMs: 60_000})
    try {
      await call(slow, 'POST', '/v1/sys/mounts/fresh', {body: {type: 'kv-v2'}})
      const res = await call(slow, 'GET', '/v1/fresh/data/x')
      expect(res.status).toBe(400)
      expect(res.body.errors[0]).toMatch(/^Upgrading from non-versioned to versioned data\. This backend will be unavailable/)
      slow.clock.advance(60_000)
      expect((await call(slow, 'GET', '/v1/fresh/data/x')).status).toBe(404)
    } finally {
      await slow.stop()
    }
  })
})

describe('KV v1', () => {
  it('writes (204), reads with the mount TTL as lease_duration, lists and deletes', async () => {
    expect((await call(vault, 'PUT', '/v1/v1/app/config', {body: {user: 'u'}})).status).toBe(204)
    await call(vault, 'PUT', '/v1/v1/app/short', {body: {user: 'u', ttl: '1h'}})
    const read = await call(vault, 'GET', '/v1/v1/app/config')
    expect(read.body).toMatchObject({data: {user: 'u'}, lease_duration: 2764800, lease_id: '', renewable: false, mount_type: 'kv'})
    expect((await call(vault, 'GET', '/v1/v1/app/short')).body.lease_duration).toBe(3600)
    expect((await call(vault, 'LIST', '/v1/v1/')).body.data.keys).toEqual(['app/'])
    expect((await call(vault, 'LIST', '/v1/v1/app')).body.data.keys).toEqual(['config', 'short'])
    expect(await call(vault, 'PUT', '/v1/v1/empty', {body: {}})).toMatchObject({status: 400, body: {errors: ['missing data fields']}})
    expect((await call(vault, 'DELETE', '/v1/v1/app/config')).status).toBe(204)
    expect(await call(vault, 'GET', '/v1/v1/app/config')).toMatchObject({status: 404, body: {errors: []}})
    expect(vault.state.kv('v1')).toEqual({version: 1, data: {'app/short': {user: 'u', ttl: '1h'}}})
  })
})

// vault-plugin-secrets-kv v0.25.0 and later (bundled since Vault 1.21): backend.go getAttribution, path_data.go,
// path_delete.go, path_metadata.go pathMetadataRead; sdk/logical/token.go CreateClientID for the client_id.
describe('KV v2 attribution (kv v0.25.0 and later)', () => {
  // The root token has no entity: its client ID hashes its sorted policies and the root namespace.
  const ROOT_CLIENT_ID = createHash('sha256').update('root\x00root').digest('base64')
  // The dev root token's display name is "token": vault server -dev creates it through auth/token/create.
  const root = (operation: string) => ({actor: 'token', operation, client_id: ROOT_CLIENT_ID})
  const metadata = async (path: string) => (await call(vault, 'GET', `/v1/internal/metadata/${path}`)).body.data

  it('reads last_updated_by and created_by null for a key only its metadata was written for', async () => {
    await call(vault, 'POST', '/v1/internal/metadata/attr/only-meta', {body: {max_versions: 3}})
    const read = await call(vault, 'GET', '/v1/internal/metadata/attr/only-meta')
    expect(read.body.data).toMatchObject({last_updated_by: null, versions: {}})
    expect(read.text).toContain('"last_updated_by":null')
  })

  it('records who created each version, with the create-or-update operation, in Go field order', async () => {
    await call(vault, 'POST', '/v1/internal/data/attr/app', {body: {data: {a: '1'}}})
    const token = vault.createToken({policies: ['writer', 'admin']})
    await call(vault, 'POST', '/v1/sys/policies/acl/writer', {body: {policy: 'path "internal/*" { capabilities = ["create", "read", "update", "patch", "delete"] }'}})
    await call(vault, 'POST', '/v1/internal/data/attr/app', {token, body: {data: {a: '2'}}})
    const meta = await metadata('attr/app')
    expect(meta.versions['1']).toMatchObject({created_by: root('create'), deleted_by: null})
    // auth/token/create names its tokens "token"; policies sort with "default" in them.
    const tokenClient = createHash('sha256').update(['admin', 'default', 'writer'].join('\x7f') + '\x00root').digest('base64')
    expect(meta.versions['2'].created_by).toEqual({actor: 'token', operation: 'update', client_id: tokenClient})
    expect(meta.last_updated_by).toEqual(meta.versions['2'].created_by)
    const raw = (await call(vault, 'GET', '/v1/internal/metadata/attr/app')).text
    expect(raw).toContain(`"created_by":{"actor":"token","operation":"create","client_id":"${ROOT_CLIENT_ID}"}`)
  })

  it('records deleted_by on delete, clears it on undelete (operation "undelete"), and a patch creates with "patch"', async () => {
    await call(vault, 'POST', '/v1/internal/data/attr/del', {body: {data: {a: '1'}}})
    await call(vault, 'DELETE', '/v1/internal/data/attr/del')
    let meta = await metadata('attr/del')
    expect(meta.versions['1'].deleted_by).toEqual(root('delete'))
    expect(meta.last_updated_by).toEqual(root('delete'))
    await call(vault, 'POST', '/v1/internal/undelete/attr/del', {body: {versions: [1]}})
    meta = await metadata('attr/del')
    expect(meta.versions['1'].deleted_by).toBeNull()
    expect(meta.last_updated_by).toEqual(root('undelete'))
    await call(vault, 'POST', '/v1/internal/delete/attr/del', {body: {versions: [1]}})
    expect((await metadata('attr/del')).versions['1'].deleted_by).toEqual(root('update'))
    await call(vault, 'POST', '/v1/internal/undelete/attr/del', {body: {versions: [1]}})
    await call(vault, 'PATCH', '/v1/internal/data/attr/del', {body: {data: {b: '2'}}, headers: {'Content-Type': 'application/merge-patch+json'}})
    expect((await metadata('attr/del')).versions['2'].created_by).toEqual(root('patch'))
  })

  it('a destroy leaves the attribution as it was; delete and undelete need a version in their own words', async () => {
    await call(vault, 'POST', '/v1/internal/data/attr/destroy', {body: {data: {a: '1'}}})
    await call(vault, 'POST', '/v1/internal/destroy/attr/destroy', {body: {versions: [1]}})
    expect((await metadata('attr/destroy')).last_updated_by).toEqual(root('create'))
    expect((await call(vault, 'POST', '/v1/internal/delete/attr/destroy', {body: {versions: []}})).body.errors).toEqual(['No version number provided'])
    expect((await call(vault, 'POST', '/v1/internal/undelete/attr/destroy', {body: {versions: []}})).body.errors).toEqual(['No version number provided'])
    expect((await call(vault, 'POST', '/v1/internal/destroy/attr/destroy', {body: {versions: []}})).body.errors).toEqual(['no version number provided'])
  })

  it('keys moved by a v1 → v2 upgrade are attributed to kv_upgrade', async () => {
    await call(vault, 'POST', '/v1/sys/mounts/legacy', {body: {type: 'kv'}})
    await call(vault, 'POST', '/v1/legacy/app', {body: {a: '1'}})
    await call(vault, 'POST', '/v1/sys/mounts/legacy/tune', {body: {options: {version: '2'}}})
    const meta = (await call(vault, 'GET', '/v1/legacy/metadata/app')).body.data
    expect(meta.last_updated_by).toEqual({actor: 'kv_upgrade', operation: 'upgrade'})
    expect(meta.versions['1'].created_by).toEqual({actor: 'kv_upgrade', operation: 'upgrade'})
  })
})

describe('numbers in secrets', () => {
  const written = '{"ratio":1.50,"thousand":1e3,"negzero":-0,"huge":12345678901234567890,"tiny":1E-7}'

  it('KV v1 answers them as written (passthrough.go decodes with UseNumber)', async () => {
    await call(vault, 'POST', '/v1/v1/numbers', {body: written})
    const read = await call(vault, 'GET', '/v1/v1/numbers')
    expect(read.text).toContain('"data":{"huge":12345678901234567890,"negzero":-0,"ratio":1.50,"thousand":1e3,"tiny":1E-7}')
  })

  it('KV v2 answers them as float64s (path_data.go re-decodes the version without UseNumber)', async () => {
    await call(vault, 'POST', '/v1/internal/data/numbers', {body: `{"data":${written}}`})
    const read = await call(vault, 'GET', '/v1/internal/data/numbers')
    expect(read.text).toContain('"data":{"huge":12345678901234567000,"negzero":-0,"ratio":1.5,"thousand":1000,"tiny":1e-7}')
  })

  it('KV v2 patch keeps the numbers it is given and re-reads the stored ones as float64s', async () => {
    await call(vault, 'PATCH', '/v1/internal/data/numbers', {body: '{"data":{"added":2.50}}', headers: {'Content-Type': 'application/merge-patch+json'}})
    const read = await call(vault, 'GET', '/v1/internal/data/numbers')
    expect(read.text).toContain('"data":{"added":2.5,"huge":12345678901234567000,"negzero":-0,')
  })
})
