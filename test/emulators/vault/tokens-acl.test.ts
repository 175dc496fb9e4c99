import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {call} from './testing.js'

let vault: VaultEmulator
const DENIED = {status: 403, body: {errors: ['1 error occurred:\n\t* permission denied\n\n']}}

async function policy(name: string, text: string): Promise<void> {
  expect((await call(vault, 'PUT', `/v1/sys/policies/acl/${name}`, {body: {policy: text}})).status).toBe(204)
}

beforeAll(async () => {
  vault = await startVaultEmulator()
  await call(vault, 'POST', '/v1/sys/mounts/internal', {body: {type: 'kv-v2'}})
  await call(vault, 'POST', '/v1/internal/data/existing', {body: {data: {a: 1}}})
})
afterAll(() => vault.stop())

describe('tokens', () => {
  it('creates a limited token and returns the auth block as Vault does', async () => {
    const res = await call(vault, 'POST', '/v1/auth/token/create', {body: {policies: ['reader'], ttl: '1h'}})
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({data: null, mount_type: 'token'})
    expect(Object.keys(res.body.auth)).toEqual(['client_token', 'accessor', 'policies', 'token_policies', 'metadata', 'lease_duration', 'renewable', 'entity_id', 'token_type', 'orphan', 'mfa_requirement', 'num_uses'])
    expect(res.body.auth).toMatchObject({policies: ['default', 'reader'], lease_duration: 3600, renewable: true, orphan: false, token_type: 'service', metadata: null, mfa_requirement: null})
    expect(res.body.auth.client_token).toMatch(/^hvs\./)
    const lookup = await call(vault, 'GET', '/v1/auth/token/lookup-self', {token: res.body.auth.client_token})
    expect(lookup.body.data).toMatchObject({policies: ['default', 'reader'], path: 'auth/token/create', display_name: 'token', creation_ttl: 3600, type: 'service', orphan: false, renewable: true})
    expect(lookup.body.data.ttl).toBeGreaterThan(3590)
    expect(lookup.body.data.expire_time).toMatch(/Z$/)
  })

  // vault server -dev -dev-root-token-id=root makes its root token through auth/token/create (command/server.go
  // "dev-gen-root"), so it has that path, the display name "token" and a lease entry (issue_time, renewable false).
  it('shows the dev root token like vault server -dev -dev-root-token-id=root', async () => {
    const lookup = await call(vault, 'GET', '/v1/auth/token/lookup-self')
    expect(lookup.body.data).toMatchObject({id: 'root', policies: ['root'], path: 'auth/token/create', ttl: 0, expire_time: null, orphan: true, display_name: 'token', meta: null, renewable: false})
    expect(lookup.body.data.issue_time).toMatch(/Z$/)
  })

  it('shows the root token of a non-dev server as vault operator init made it (auth/token/root, no lease)', async () => {
    const server = await startVaultEmulator({devMode: false})
    try {
      const lookup = await call(server, 'GET', '/v1/auth/token/lookup-self')
      expect(lookup.body.data).toMatchObject({path: 'auth/token/root', display_name: 'root'})
      expect(lookup.body.data).not.toHaveProperty('issue_time')
      expect(await call(server, 'POST', '/v1/auth/token/renew-self', {body: {}})).toMatchObject({status: 400, body: {errors: ['invalid lease ID']}})
    } finally {
      await server.stop()
    }
  })

  it('names a created token "token-" + display_name with [^a-zA-Z0-9-] turned into "-", case kept, one trailing "-" trimmed (token_store.go)', async () => {
    const created = await call(vault, 'POST', '/v1/auth/token/create', {body: {display_name: 'My App.v2!', policies: ['default']}})
    const lookup = await call(vault, 'GET', '/v1/auth/token/lookup-self', {token: created.body.auth.client_token})
    expect(lookup.body.data.display_name).toBe('token-My-App-v2')
  })

  it('refuses to renew the dev root token: its lease is not renewable (vault/expiration.go leaseEntry.renewable)', async () => {
    expect(await call(vault, 'POST', '/v1/auth/token/renew-self', {body: {}})).toMatchObject({status: 400, body: {errors: ['lease is not renewable']}})
  })

  it('makes a root token when root asks for no policies, and refuses escalation from a non-root parent', async () => {
    expect((await call(vault, 'POST', '/v1/auth/token/create', {body: {}})).body.auth.policies).toEqual(['root'])
    await policy('creator', 'path "auth/token/create" { capabilities = ["update"] }')
    const creator = vault.createToken({policies: ['creator']})
    expect(await call(vault, 'POST', '/v1/auth/token/create', {token: creator, body: {policies: ['admin']}})).toMatchObject({status: 400, body: {errors: ['child policies must be subset of parent']}})
    expect((await call(vault, 'POST', '/v1/auth/token/create', {token: creator, body: {policies: ['creator']}})).status).toBe(200)
  })

  it('treats expired, revoked and used-up tokens as invalid', async () => {
    const expiring = (await call(vault, 'POST', '/v1/auth/token/create', {body: {policies: ['default'], ttl: '30s'}})).body.auth.client_token
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token: expiring})).status).toBe(200)
    vault.clock.advance(31_000)
    const expired = await call(vault, 'GET', '/v1/auth/token/lookup-self', {token: expiring})
    expect(expired.status).toBe(403)
    expect(expired.body.errors).toEqual(['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'])

    const revoking = vault.createToken({policies: []})
    expect((await call(vault, 'POST', '/v1/auth/token/revoke-self', {token: revoking})).status).toBe(204)
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token: revoking})).status).toBe(403)

    const twice = vault.createToken({policies: [], numUses: 2})
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token: twice})).body.data.num_uses).toBe(1)
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token: twice})).status).toBe(200)
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token: twice})).status).toBe(403)
  })

  it('renews a renewable token', async () => {
    const token = (await call(vault, 'POST', '/v1/auth/token/create', {body: {policies: ['default'], ttl: '10m'}})).body.auth.client_token
    vault.clock.advance(300_000)
    const renewed = await call(vault, 'POST', '/v1/auth/token/renew-self', {token, body: {increment: '1h'}})
    expect(renewed.body.auth.lease_duration).toBe(3600)
  })
})

describe('ACL enforcement on requests', () => {
  it('allows what the default policy grants and nothing else', async () => {
    const token = vault.createToken({policies: []})
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token})).status).toBe(200)
    expect((await call(vault, 'POST', '/v1/sys/capabilities-self', {token, body: {paths: ['x']}})).status).toBe(200)
    expect(await call(vault, 'GET', '/v1/sys/mounts', {token})).toMatchObject(DENIED)
    // The ACL answers before routing: a limited token sees 403 where root sees 404.
    expect(await call(vault, 'GET', '/v1/nowhere/x', {token})).toMatchObject(DENIED)
  })

  it('tells create from update by whether the KV key exists', async () => {
    await policy('updater', 'path "internal/data/*" { capabilities = ["update"] }')
    await policy('creator-only', 'path "internal/data/*" { capabilities = ["create"] }')
    const updater = vault.createToken({policies: ['updater']})
    const creator = vault.createToken({policies: ['creator-only']})
    expect(await call(vault, 'POST', '/v1/internal/data/fresh', {token: updater, body: {data: {a: 1}}})).toMatchObject(DENIED)
    expect((await call(vault, 'POST', '/v1/internal/data/existing', {token: updater, body: {data: {a: 2}}})).status).toBe(200)
    expect((await call(vault, 'POST', '/v1/internal/data/fresh', {token: creator, body: {data: {a: 1}}})).status).toBe(200)
    expect(await call(vault, 'POST', '/v1/internal/data/existing', {token: creator, body: {data: {a: 3}}})).toMatchObject(DENIED)
  })

  it('reads, lists and patches only with the matching capability', async () => {
    await policy('reader', 'path "internal/data/*" { capabilities = ["read"] }\npath "internal/metadata/*" { capabilities = ["list"] }')
    const reader = vault.createToken({policies: ['reader']})
    expect((await call(vault, 'GET', '/v1/internal/data/existing', {token: reader})).status).toBe(200)
    expect((await call(vault, 'LIST', '/v1/internal/metadata/', {token: reader})).status).toBe(200)
    expect(await call(vault, 'GET', '/v1/internal/metadata/existing', {token: reader})).toMatchObject(DENIED)
    expect(await call(vault, 'DELETE', '/v1/internal/data/existing', {token: reader})).toMatchObject(DENIED)
    const patch = await call(vault, 'PATCH', '/v1/internal/data/existing', {token: reader, body: {data: {}}, headers: {'Content-Type': 'application/merge-patch+json'}})
    expect(patch).toMatchObject(DENIED)
  })

  it('requires sudo on root-protected paths such as sys/auth/<path>', async () => {
    await policy('no-sudo', 'path "sys/auth/*" { capabilities = ["create", "update", "read"] }\npath "sys/mounts/*" { capabilities = ["update"] }')
    await policy('with-sudo', 'path "sys/auth/*" { capabilities = ["create", "update", "sudo"] }')
    const plain = vault.createToken({policies: ['no-sudo']})
    const sudo = vault.createToken({policies: ['with-sudo']})
    expect(await call(vault, 'POST', '/v1/sys/auth/kubernetes', {token: plain, body: {type: 'kubernetes'}})).toMatchObject(DENIED)
    expect((await call(vault, 'POST', '/v1/sys/auth/kubernetes', {token: sudo, body: {type: 'kubernetes'}})).status).toBe(204)
    expect((await call(vault, 'POST', '/v1/sys/mounts/nosudo', {token: plain, body: {type: 'kv'}})).status).toBe(204)
  })

  it('applies a deny in any of the token\'s policies', async () => {
    await policy('all', 'path "internal/*" { capabilities = ["read", "list", "create", "update"] }')
    await policy('deny-secret', 'path "internal/data/existing" { capabilities = ["deny"] }')
    const token = vault.createToken({policies: ['all', 'deny-secret']})
    expect(await call(vault, 'GET', '/v1/internal/data/existing', {token})).toMatchObject(DENIED)
    expect((await call(vault, 'GET', '/v1/internal/data/fresh', {token})).status).toBe(200)
  })

  it('sees policy changes on the next request, like Vault\'s policy store', async () => {
    await policy('changing', 'path "internal/data/*" { capabilities = ["read"] }')
    const token = vault.createToken({policies: ['changing']})
    expect((await call(vault, 'GET', '/v1/internal/data/existing', {token})).status).toBe(200)
    await call(vault, 'DELETE', '/v1/sys/policies/acl/changing')
    expect(await call(vault, 'GET', '/v1/internal/data/existing', {token})).toMatchObject(DENIED)
  })
})

describe('existence checks follow each plugin', () => {
  it('a first write of auth/kubernetes/config is an update (path_config.go has no ExistenceCheck); a first role write is a create', async () => {
    const vault = await startVaultEmulator()
    try {
      await call(vault, 'POST', '/v1/sys/auth/kubernetes', {body: {type: 'kubernetes'}})
      await call(vault, 'PUT', '/v1/sys/policies/acl/updater', {body: {policy: 'path "auth/kubernetes/*" { capabilities = ["update"] }'}})
      const token = vault.createToken({policies: ['updater']})
      expect((await call(vault, 'POST', '/v1/auth/kubernetes/config', {token, body: {kubernetes_host: 'https://kubernetes.default.svc'}})).status).toBe(204)
      expect((await call(vault, 'POST', '/v1/auth/kubernetes/role/app', {token, body: {bound_service_account_names: 'a', bound_service_account_namespaces: 'b'}})).status).toBe(403)
    } finally {
      await vault.stop()
    }
  })
})
