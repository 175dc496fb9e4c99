// From HTTP to a logical request and the core's first checks, as hashicorp/vault http/logical.go
// buildLogicalRequestNoAuth and vault/request_handling.go handleCancelableRequest do them.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {call} from './testing.js'

let vault: VaultEmulator

beforeAll(async () => {
  vault = await startVaultEmulator()
})
afterAll(() => vault.stop())

describe('logical requests', () => {
  it('keeps list=false in the request data (only list=true is removed), so a route with fields warns about it', async () => {
    await call(vault, 'POST', '/v1/secret/data/lr/k', {body: {data: {a: 'b'}}})
    const read = await call(vault, 'GET', '/v1/secret/data/lr/k?list=false')
    expect(read.status).toBe(200)
    expect(read.body.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [list]'])
    const listed = await call(vault, 'GET', '/v1/secret/metadata/lr?list=true')
    expect(listed.body).toMatchObject({data: {keys: ['k']}, warnings: null})
  })

  it('refuses a PATCH to a path ending in "/" like an update (400, ErrorResponse text)', async () => {
    const res = await call(vault, 'PATCH', '/v1/secret/data/lr/', {body: {data: {a: 'c'}}, headers: {'Content-Type': 'application/merge-patch+json'}})
    expect(res).toMatchObject({status: 400, body: {errors: ["cannot write to a path ending in '/'"]}})
  })

  it('echoes X-Vault-Namespace on the answer to a /v1/ request, errors included (http/handler.go wrapGenericHandler)', async () => {
    const ok = await call(vault, 'GET', '/v1/sys/mounts', {headers: {'X-Vault-Namespace': 'team-a'}})
    expect(ok.status).toBe(200)
    expect(ok.headers['x-vault-namespace']).toBe('team-a')
    const denied = await call(vault, 'GET', '/v1/sys/mounts', {token: 'nope', headers: {'X-Vault-Namespace': 'team-a/'}})
    expect(denied).toMatchObject({status: 403, headers: {'x-vault-namespace': 'team-a/'}})
    expect((await call(vault, 'GET', '/v1/sys/mounts')).headers).not.toHaveProperty('x-vault-namespace')
    expect((await call(vault, 'GET', '/nope', {headers: {'X-Vault-Namespace': 'team-a'}})).headers).not.toHaveProperty('x-vault-namespace')
  })

  it('joins repeated form fields with "," (http/handler.go parseFormRequest)', async () => {
    const res = await call(vault, 'POST', '/v1/sys/policies/acl/form-joined', {
      body: 'policy=path+%22a%2F*%22+%7B+capabilities+%3D+%5B%22read%22%5D+%7D&policy=x',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    })
    // Both values reach the handler as one string: 'path "a/*" { capabilities = ["read"] },x' does not parse.
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toMatch(/^failed to parse policy: /)
    const single = await call(vault, 'POST', '/v1/sys/policies/acl/form-single', {
      body: 'policy=path+%22a%2F*%22+%7B+capabilities+%3D+%5B%22read%22%5D+%7D',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    })
    expect(single.status).toBe(204)
  })
})
