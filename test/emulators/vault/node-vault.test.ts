// The emulator driven by the client vsi uses: node-vault 0.12 (axios underneath).
import createNodeVault from 'node-vault'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {reviewerFor, serviceAccountJwt, startFakeApiServer, type FakeApiServer} from './testing.js'

const APP = {namespace: 'default', name: 'internal-app', uid: 'uid-1'}
const jwt = serviceAccountJwt(APP)

let vault: VaultEmulator
let tlsVault: VaultEmulator
let api: FakeApiServer

beforeAll(async () => {
  api = await startFakeApiServer(reviewerFor({[jwt]: APP}))
  vault = await startVaultEmulator({kube: {url: api.url}})
  tlsVault = await startVaultEmulator({tls: true})
})
afterAll(async () => {
  await vault.stop()
  await tlsVault.stop()
  await api.close()
})

const client = (options: Record<string, unknown> = {}) => createNodeVault({endpoint: vault.url, token: vault.rootToken, ...options})

async function rejection(promise: Promise<unknown>): Promise<{message: string; response?: {statusCode: number; body: unknown}}> {
  try {
    await promise
  } catch (error) {
    return error as {message: string; response?: {statusCode: number; body: unknown}}
  }
  throw new Error('expected the call to fail')
}

describe('node-vault 0.12 against the emulator', () => {
  it('runs the tutorial\'s Vault setup through node-vault helpers', async () => {
    const vault0 = client()
    expect(await vault0.mount({mount_point: 'internal', type: 'kv-v2'})).toBe('')
    expect(await vault0.mounts()).toHaveProperty('internal/')
    await vault0.enableAuth({mount_point: 'kubernetes', type: 'kubernetes'})
    expect(await vault0.auths()).toHaveProperty('kubernetes/')
    await vault0.write('auth/kubernetes/config', {kubernetes_host: 'https://kubernetes.default.svc'})
    const added = await vault0.addPolicy({name: 'internal-app', rules: 'path "internal/data/database/config" { capabilities = ["read"] }'})
    expect(added.warnings).toHaveLength(2)
    expect((await vault0.getPolicy({name: 'internal-app'})).rules).toContain('internal/data/database/config')
    const role = await vault0.write('auth/kubernetes/role/internal-app', {
      bound_service_account_names: 'internal-app',
      bound_service_account_namespaces: 'default',
      policies: 'internal-app',
      ttl: '24h',
    })
    expect(role.warnings[0]).toMatch(/does not have an audience configured/)
    expect((await vault0.write('internal/data/database/config', {data: {username: 'u', password: 'p'}})).data.version).toBe(1)
    expect((await vault0.read('auth/kubernetes/role/internal-app')).data.token_ttl).toBe(86400)
  })

  it('lists with the LIST verb by default and with ?list=1 when custom verbs are off', async () => {
    expect((await client().list('auth/kubernetes/role')).data.keys).toEqual(['internal-app'])
    expect((await client({noCustomHTTPVerbs: true}).list('internal/metadata')).data.keys).toEqual(['database/'])
    expect(vault.requests.filter((r) => r.path.startsWith('/v1/auth/kubernetes/role')).map((r) => r.method)).toContain('LIST')
    expect(vault.requests.at(-1)).toMatchObject({method: 'GET', path: '/v1/internal/metadata', query: 'list=1'})
  })

  it('logs in with kubernetesLogin and then reads the secret with the issued token', async () => {
    const app = client({token: undefined})
    const auth = await app.kubernetesLogin({role: 'internal-app', jwt, mount_point: 'kubernetes'})
    expect(auth.auth.policies).toEqual(['default', 'internal-app'])
    expect(app.token).toBe(auth.auth.client_token)
    expect((await app.read('internal/data/database/config')).data.data).toEqual({password: 'p', username: 'u'})
    const denied = await rejection(app.read('sys/mounts'))
    expect(denied.response?.statusCode).toBe(403)
    expect(denied.message).toContain('permission denied')
  })

  it('shows node-vault\'s kubernetesPath defect: without mount_point it posts to /v1/auth//login', async () => {
    const error = await rejection(client().kubernetesLogin({role: 'internal-app', jwt}))
    // Go's ServeMux redirects the unclean path; axios follows the 301 as a GET.
    expect(vault.requests.slice(-2).map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/v1/auth//login', 301],
      ['GET', '/v1/auth/login', 404],
    ])
    expect(error.message).toBe('no handler for route "auth/login". route entry not found.')
  })

  it('throws ApiResponseError with errors[0] or "Status <code>"', async () => {
    const again = await rejection(client().mount({mount_point: 'internal', type: 'kv-v2'}))
    expect([again.message, again.response?.statusCode]).toEqual(['path is already in use at internal/', 400])
    const missing = await rejection(client().read('internal/data/nope'))
    expect([missing.message, missing.response]).toEqual(['Status 404', {statusCode: 404, body: {errors: []}}])
    await client().delete('internal/data/database/config')
    const softDeleted = await rejection(client().read('internal/data/database/config'))
    expect(softDeleted.message).toBe('Status 404')
    expect(softDeleted.response?.body).toMatchObject({data: {data: null}})
  })

  it('resolves sys/health even when Vault answers 503', async () => {
    vault.faults.seal()
    try {
      expect(await client().health()).toMatchObject({sealed: true})
      const sealed = await rejection(client().mounts())
      expect([sealed.message, sealed.response?.statusCode]).toEqual(['Vault is sealed', 503])
    } finally {
      vault.faults.unseal()
    }
  })

  it('talks HTTPS when the emulator serves TLS, trusting the test CA', async () => {
    const secure = createNodeVault({endpoint: tlsVault.url, token: tlsVault.rootToken, requestOptions: {ca: tlsVault.caPem}})
    expect((await secure.tokenLookupSelf()).data.policies).toEqual(['root'])
    const untrusted = await rejection(createNodeVault({endpoint: tlsVault.url, token: tlsVault.rootToken}).tokenLookupSelf())
    expect(untrusted.response).toBeUndefined()
  })
})
