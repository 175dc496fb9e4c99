import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {call} from './testing.js'

let vault: VaultEmulator

beforeAll(async () => {
  vault = await startVaultEmulator()
})
afterAll(() => vault.stop())

const ENVELOPE_KEYS = ['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth', 'mount_type']

describe('sys/health and sys/seal-status', () => {
  it('reports an active, unsealed dev server', async () => {
    const res = await call(vault, 'GET', '/v1/sys/health', {token: null})
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({initialized: true, sealed: false, standby: false, performance_standby: false, replication_dr_mode: 'disabled', enterprise: false})
    expect(res.body.cluster_name).toMatch(/^vault-cluster-/)
    expect(res.body).not.toHaveProperty('data')
  })

  it('answers 503 with a body while sealed, honours code overrides, and rejects bad parameters', async () => {
    vault.faults.seal()
    try {
      const sealed = await call(vault, 'GET', '/v1/sys/health')
      expect(sealed.status).toBe(503)
      expect(sealed.body).toMatchObject({sealed: true, standby: true})
      expect(sealed.body).not.toHaveProperty('cluster_name')
      expect((await call(vault, 'GET', '/v1/sys/health?sealedcode=200')).status).toBe(200)
      expect((await call(vault, 'GET', '/v1/sys/seal-status')).body).toMatchObject({sealed: true, type: 'shamir', t: 1, n: 1})
      expect(await call(vault, 'GET', '/v1/sys/mounts')).toMatchObject({status: 503, body: {errors: ['Vault is sealed']}})
      expect(await call(vault, 'GET', '/v1/secret/data/x', {token: null})).toMatchObject({status: 503, body: {errors: ['Vault is sealed']}})
    } finally {
      vault.faults.unseal()
    }
    expect((await call(vault, 'GET', '/v1/sys/health?activecode=299')).status).toBe(299)
    expect(await call(vault, 'GET', '/v1/sys/health?standbyok=maybe')).toMatchObject({status: 400, body: {errors: []}})
    expect(await call(vault, 'GET', '/v1/sys/health?activecode=abc')).toMatchObject({status: 400, body: {errors: []}})
    const head = await call(vault, 'HEAD', '/v1/sys/health')
    expect([head.status, head.text]).toEqual([200, ''])
  })

  it('reports seal status with cluster identity when unsealed', async () => {
    const res = await call(vault, 'GET', '/v1/sys/seal-status', {token: null})
    expect(res.body).toMatchObject({type: 'shamir', initialized: true, sealed: false, progress: 0, storage_type: 'inmem'})
    expect(res.body.cluster_id).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('the response envelope', () => {
  it('always carries all nine keys, no-store caching and a trailing newline', async () => {
    const res = await call(vault, 'GET', '/v1/auth/token/lookup-self')
    expect(Object.keys(res.body)).toEqual(ENVELOPE_KEYS)
    expect(res.body).toMatchObject({lease_id: '', renewable: false, wrap_info: null, warnings: null, auth: null, mount_type: 'token'})
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.text.endsWith('}\n')).toBe(true)
  })

  it('copies data to the top level on sys/mounts, sys/auth and sys/policy but not elsewhere', async () => {
    const mounts = await call(vault, 'GET', '/v1/sys/mounts')
    expect(Object.keys(mounts.body.data).sort()).toEqual(['cubbyhole/', 'identity/', 'secret/', 'sys/'])
    expect(mounts.body['secret/']).toEqual(mounts.body.data['secret/'])
    expect((await call(vault, 'GET', '/v1/sys/auth')).body['token/'].type).toBe('token')
    const acl = await call(vault, 'GET', '/v1/sys/policies/acl/default')
    expect(acl.body).not.toHaveProperty('name')
    expect((await call(vault, 'GET', '/v1/sys/policy/default')).body.name).toBe('default')
  })

  it('gives Vault\'s errors for routing problems', async () => {
    expect(await call(vault, 'GET', '/v1/nowhere/x')).toMatchObject({status: 404, body: {errors: ['no handler for route "nowhere/x". route entry not found.']}})
    expect(await call(vault, 'GET', '/v1/sys/not-a-path')).toMatchObject({status: 404, body: {errors: ['1 error occurred:\n\t* unsupported path\n\n']}})
    expect(await call(vault, 'POST', '/v1/secret/data/dir/', {body: {data: {}}})).toMatchObject({status: 400, body: {errors: ["cannot write to a path ending in '/'"]}})
    expect(await call(vault, 'POST', '/v1/sys/policies/acl/x', {body: '{not json'})).toMatchObject({status: 400, body: {errors: ['error parsing JSON']}})
    expect(await call(vault, 'PATCH', '/v1/secret/data/x', {body: {data: {}}})).toMatchObject({
      status: 415,
      body: {errors: ['PATCH requires Content-Type of application/merge-patch+json, provided application/json']},
    })
    expect(await call(vault, 'COPY', '/v1/secret/data/x')).toMatchObject({status: 405, body: {errors: []}})
    expect(await call(vault, 'GET', '/v1/secret/data/x?list=maybe')).toMatchObject({status: 400, body: {errors: []}})
  })

  it('checks the token before anything else on authenticated paths (no token: 403 permission denied, as since Vault 1.10)', async () => {
    // handleRequest appends CheckToken's error to a multierror, as for every other denial.
    const denied = {status: 403, body: {errors: ['1 error occurred:\n\t* permission denied\n\n']}}
    expect(await call(vault, 'GET', '/v1/sys/mounts', {token: null})).toEqual(expect.objectContaining(denied))
    expect(await call(vault, 'GET', '/v1/nowhere/x', {token: null})).toEqual(expect.objectContaining(denied))
    const bad = await call(vault, 'GET', '/v1/sys/mounts', {token: 'hvs.unknown'})
    expect(bad.status).toBe(403)
    expect(bad.body.errors).toHaveLength(1)
    expect(bad.body.errors[0]).toContain('permission denied')
    expect(bad.body.errors[0]).toContain('invalid token')
    const bearer = await call(vault, 'GET', '/v1/sys/mounts', {token: null, headers: {Authorization: 'Bearer root'}})
    expect(bearer.status).toBe(200)
  })

  it('accepts and ignores X-Vault-Namespace like Vault Community, and logs requests without secrets', async () => {
    const before = vault.requests.length
    expect((await call(vault, 'GET', '/v1/sys/mounts', {headers: {'X-Vault-Namespace': 'team-a'}})).status).toBe(200)
    expect(vault.requests.slice(before)).toEqual([{method: 'GET', path: '/v1/sys/mounts', query: '', status: 200, token: 'root', namespace: 'team-a'}])
  })
})

describe('secrets engines: sys/mounts', () => {
  it('shows the dev mounts as Vault does', async () => {
    const {data} = (await call(vault, 'GET', '/v1/sys/mounts')).body
    expect(data['secret/']).toMatchObject({type: 'kv', options: {version: '2'}, deprecation_status: 'supported', description: 'key/value secret storage'})
    expect(data['secret/'].accessor).toMatch(/^kv_[0-9a-f]{8}$/)
    expect(data['cubbyhole/']).toMatchObject({type: 'cubbyhole', options: null, local: true})
    expect(data['cubbyhole/']).not.toHaveProperty('deprecation_status')
    expect(data['sys/']).toMatchObject({type: 'system', seal_wrap: true, config: {passthrough_request_headers: ['Accept']}})
  })

  it('enables kv-v2 (alias or option form), refuses clashes and answers reads of one mount', async () => {
    expect((await call(vault, 'POST', '/v1/sys/mounts/internal', {body: {type: 'kv-v2', mount_point: 'internal'}})).status).toBe(204)
    expect((await call(vault, 'POST', '/v1/sys/mounts/other', {body: {type: 'kv', options: {version: '2'}}})).status).toBe(204)
    expect(await call(vault, 'POST', '/v1/sys/mounts/internal', {body: {type: 'kv-v2'}})).toMatchObject({status: 400, body: {errors: ['path is already in use at internal/']}})
    expect(await call(vault, 'POST', '/v1/sys/mounts/internal/nested', {body: {type: 'kv'}})).toMatchObject({status: 400, body: {errors: ['path is already in use at internal/']}})
    const one = await call(vault, 'GET', '/v1/sys/mounts/internal')
    expect(one.body.data).toMatchObject({type: 'kv', options: {version: '2'}})
    expect(one.body.type).toBe('kv')
    expect(vault.state.mounts()['other/']).toMatchObject({type: 'kv', options: {version: '2'}})
  })

  it('validates mount requests with Vault\'s error texts', async () => {
    const error = async (path: string, body: unknown): Promise<string[]> => (await call(vault, 'POST', `/v1/sys/mounts/${path}`, {body})).body.errors
    expect(await error('a', {})).toEqual(['backend type must be specified as a string'])
    expect(await error('a', {type: 'nope'})).toEqual(['plugin not found in the catalog: nope'])
    expect(await error('a', {type: 'pki', options: {version: '2'}})).toEqual(['secrets engine "pki" does not allow setting a version'])
    expect(await error('sys/x', {type: 'kv'})).toEqual(['cannot mount "sys/x/"'])
    expect(await error('b', {type: 'cubbyhole'})).toEqual(['mount type of "cubbyhole" is not mountable'])
    expect(await error('c', {type: 'kv', config: {default_lease_ttl: '1x'}})).toEqual(['unable to parse default TTL of 1x: time: unknown unit "x" in duration "1x"'])
    expect(await call(vault, 'GET', '/v1/sys/mounts/missing')).toMatchObject({status: 400, body: {errors: ['No secret engine mount at missing/']}})
    expect((await call(vault, 'DELETE', '/v1/sys/mounts/missing')).status).toBe(204)
    expect(await call(vault, 'DELETE', '/v1/sys/mounts/sys')).toMatchObject({status: 400, body: {errors: ['cannot unmount "sys/"']}})
  })

  it('shows an enabled kv without options as options {} and tunes it to version 2', async () => {
    await call(vault, 'POST', '/v1/sys/mounts/plain', {body: {type: 'kv'}})
    expect((await call(vault, 'GET', '/v1/sys/mounts/plain')).body.data.options).toEqual({})
    await call(vault, 'PUT', '/v1/plain/app', {body: {user: 'a'}})
    const tune = await call(vault, 'GET', '/v1/sys/mounts/plain/tune')
    expect(tune.body.data).toEqual({description: '', default_lease_ttl: 2764800, max_lease_ttl: 2764800, force_no_cache: false})
    // handleTuneWriteCommon answers an upgrade with a warning (a 200), not a 204.
    const upgrade = await call(vault, 'POST', '/v1/sys/mounts/plain/tune', {body: {options: {version: '2'}}})
    expect(upgrade).toMatchObject({
      status: 200,
      body: {data: null, warnings: ['Upgrading mount from version 1 to version 2. This mount will be unavailable for a brief period and will resume service shortly.']},
    })
    expect((await call(vault, 'GET', '/v1/plain/data/app')).body.data.data).toEqual({user: 'a'})
    expect(await call(vault, 'POST', '/v1/sys/mounts/plain/tune', {body: {options: {version: '1'}}})).toMatchObject({status: 400, body: {errors: ['cannot downgrade mount from version 2']}})
    expect(await call(vault, 'POST', '/v1/sys/mounts/plain/tune', {body: {options: {version: '3'}}})).toMatchObject({status: 400, body: {errors: ['invalid version provided: 3']}})
    expect(await call(vault, 'POST', '/v1/sys/mounts/nowhere/tune', {body: {description: 'x'}})).toMatchObject({status: 400, body: {errors: ['cannot fetch sysview for path "nowhere/"']}})
  })

  it('reads the mount serving a deeper path, as the router matches the longest mount prefix', async () => {
    await call(vault, 'POST', '/v1/sys/mounts/team', {body: {type: 'kv-v2'}})
    const read = await call(vault, 'GET', '/v1/sys/mounts/team/data/some/secret')
    expect(read.status).toBe(200)
    expect(read.body.data).toMatchObject({type: 'kv', options: {version: '2'}})
  })
})

describe('auth methods: sys/auth', () => {
  it('enables, lists, reads and disables an auth method', async () => {
    expect((await call(vault, 'POST', '/v1/sys/auth/kubernetes', {body: {type: 'kubernetes'}})).status).toBe(204)
    expect(await call(vault, 'POST', '/v1/sys/auth/kubernetes', {body: {type: 'kubernetes'}})).toMatchObject({status: 400, body: {errors: ['path is already in use at kubernetes/']}})
    const list = await call(vault, 'GET', '/v1/sys/auth')
    expect(list.body['kubernetes/']).toMatchObject({type: 'kubernetes', config: {token_type: 'default-service'}, options: {}})
    expect(list.body['kubernetes/'].accessor).toMatch(/^auth_kubernetes_[0-9a-f]{8}$/)
    expect((await call(vault, 'GET', '/v1/sys/auth/kubernetes')).body.data.type).toBe('kubernetes')
    expect(await call(vault, 'GET', '/v1/sys/auth/nope')).toMatchObject({status: 400, body: {errors: ['No auth engine at nope/']}})
    expect(await call(vault, 'POST', '/v1/sys/auth/x', {body: {}})).toMatchObject({status: 400, body: {errors: ['backend type must be specified as a string']}})
    expect((await call(vault, 'DELETE', '/v1/sys/auth/nope')).status).toBe(204)
    await call(vault, 'POST', '/v1/sys/auth/tmp', {body: {type: 'kubernetes'}})
    expect((await call(vault, 'DELETE', '/v1/sys/auth/tmp')).status).toBe(204)
    expect(vault.state.authMounts()).not.toHaveProperty('tmp/')
  })
})

describe('ACL policies', () => {
  const policy = 'path "internal/data/database/config" {\n  capabilities = ["read"]\n}\n'

  it('writes, reads, lists and deletes through sys/policies/acl', async () => {
    expect((await call(vault, 'PUT', '/v1/sys/policies/acl/internal-app', {body: {policy}})).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/sys/policies/acl/internal-app')).body.data).toEqual({name: 'internal-app', policy})
    expect((await call(vault, 'LIST', '/v1/sys/policies/acl')).body.data.keys).toEqual(['default', 'internal-app', 'root'])
    expect((await call(vault, 'GET', '/v1/sys/policies/acl?list=true')).body.data.keys).toContain('internal-app')
    expect(await call(vault, 'GET', '/v1/sys/policies/acl')).toMatchObject({status: 405, body: {errors: ['1 error occurred:\n\t* unsupported operation\n\n']}})
    expect(await call(vault, 'GET', '/v1/sys/policies/acl/missing')).toMatchObject({status: 404, body: {errors: []}})
    expect((await call(vault, 'DELETE', '/v1/sys/policies/acl/missing')).status).toBe(204)
  })

  it('lower-cases names with a warning and accepts base64 policy text', async () => {
    const res = await call(vault, 'PUT', '/v1/sys/policies/acl/Mixed', {body: {policy: Buffer.from(policy).toString('base64')}})
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({data: null, warnings: ['policy name was converted to mixed']})
    expect(vault.state.policies()['mixed']).toBe(policy)
  })

  it('refuses bad or protected policies with Vault\'s messages', async () => {
    const error = async (method: string, name: string, body?: unknown): Promise<unknown> => (await call(vault, method, `/v1/sys/policies/acl/${name}`, {body})).body
    expect(await error('PUT', 'p', {policy: ''})).toEqual({errors: ["'policy' parameter not supplied or empty"]})
    expect(await error('PUT', 'p', {policy: 'path "a" { capabilities = ["read"] '})).toEqual({errors: ['failed to parse policy: At 1:36: object expected closing RBRACE got: EOF']})
    expect(await error('PUT', 'root', {policy})).toEqual({errors: ['cannot update "root" policy']})
    expect(await error('DELETE', 'default')).toEqual({errors: ['cannot delete default policy']})
    expect(await error('DELETE', 'root')).toEqual({errors: ['cannot delete "root" policy']})
  })

  it('serves the old sys/policy API with top-level copies and the rules warnings', async () => {
    const write = await call(vault, 'PUT', '/v1/sys/policy/legacy', {body: {name: 'legacy', rules: policy}})
    expect(write.status).toBe(200)
    expect(write.body.warnings).toEqual([
      "'rules' is deprecated, please use 'policy' instead",
      "Endpoint replaced the value of these parameters with the values captured from the endpoint's path: [name]",
    ])
    const read = await call(vault, 'GET', '/v1/sys/policy/legacy')
    expect(read.body).toMatchObject({name: 'legacy', rules: policy, data: {name: 'legacy', rules: policy}})
    const list = await call(vault, 'GET', '/v1/sys/policy')
    expect(list.body.keys).toEqual(list.body.policies)
    expect(list.body.keys.at(-1)).toBe('root')
    expect((await call(vault, 'PUT', '/v1/sys/policy/modern', {body: {policy}})).status).toBe(204)
  })
})

describe('sys/capabilities-self and the KV preflight', () => {
  it('reports capabilities per path, sorted, with the single-path copy', async () => {
    const token = vault.createToken({policies: ['caps']})
    await call(vault, 'PUT', '/v1/sys/policies/acl/caps', {body: {policy: 'path "internal/data/*" { capabilities = ["update", "read", "create"] }'}})
    const res = await call(vault, 'POST', '/v1/sys/capabilities-self', {token, body: {paths: ['internal/data/a']}})
    expect(res.body.data).toEqual({'internal/data/a': ['create', 'read', 'update'], capabilities: ['create', 'read', 'update']})
    expect(res.body['internal/data/a']).toEqual(['create', 'read', 'update'])
    const two = await call(vault, 'POST', '/v1/sys/capabilities-self', {token, body: {paths: ['internal/data/a', 'elsewhere']}})
    expect(two.body.data).toEqual({'internal/data/a': ['create', 'read', 'update'], elsewhere: ['deny']})
    expect((await call(vault, 'POST', '/v1/sys/capabilities-self', {body: {path: 'x'}})).body.data.capabilities).toEqual(['root'])
    expect(await call(vault, 'POST', '/v1/sys/capabilities-self', {token, body: {}})).toMatchObject({status: 400, body: {errors: ['paths must be supplied']}})
  })

  it('answers the preflight with the mount and refuses what the token cannot reach', async () => {
    const res = await call(vault, 'GET', '/v1/sys/internal/ui/mounts/internal/database/config')
    expect(res.body.data).toMatchObject({path: 'internal/', type: 'kv', options: {version: '2'}})
    expect(res.body).not.toHaveProperty('path')
    const refused = (path: string) => ({status: 403, body: {errors: [`preflight capability check returned 403, please ensure client's policies grant access to path "${path}"`]}})
    expect(await call(vault, 'GET', '/v1/sys/internal/ui/mounts/missing/thing')).toMatchObject(refused('missing/thing/'))
    const limited = vault.createToken({policies: ['caps']})
    expect((await call(vault, 'GET', '/v1/sys/internal/ui/mounts/internal/x', {token: limited})).status).toBe(200)
    expect(await call(vault, 'GET', '/v1/sys/internal/ui/mounts/secret/x', {token: limited})).toMatchObject(refused('secret/x/'))
    expect(await call(vault, 'GET', '/v1/sys/internal/ui/mounts/internal/x', {token: 'hvs.bogus'})).toMatchObject(refused('internal/x/'))
    expect(await call(vault, 'GET', '/v1/sys/internal/ui/mounts/internal/x', {token: null})).toMatchObject(refused('internal/x/'))
  })
})
