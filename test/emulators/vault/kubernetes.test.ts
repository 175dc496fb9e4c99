import {generateKeyPairSync, sign} from 'node:crypto'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startVaultEmulator, type VaultEmulator} from './index.js'
import {call, reviewerFor, serviceAccountJwt, startFakeApiServer, type FakeApiServer} from './testing.js'

const APP = {namespace: 'default', name: 'internal-app', uid: 'aa9aa8ff-98d0-11e7-9bb7-0800276d99bf'}
const VAULT_SA = {namespace: 'default', name: 'vault', uid: 'vault-uid'}
const appJwt = serviceAccountJwt(APP)
const vaultSaJwt = serviceAccountJwt(VAULT_SA)

let vault: VaultEmulator
let api: FakeApiServer
let tlsApi: FakeApiServer

const reviewer = reviewerFor({[appJwt]: APP})

beforeAll(async () => {
  api = await startFakeApiServer((c) => reviewer(c))
  tlsApi = await startFakeApiServer((c) => reviewer(c), {tls: true})
  // The stub API servers below listen on the host's loopback, so this Vault shares the host's network.
  vault = await startVaultEmulator({kube: {url: tlsApi.url, caPem: tlsApi.caPem, serviceAccountToken: vaultSaJwt, network: 'host'}})
  await call(vault, 'POST', '/v1/sys/auth/kubernetes', {body: {type: 'kubernetes'}})
  await call(vault, 'POST', '/v1/sys/mounts/internal', {body: {type: 'kv-v2'}})
  await call(vault, 'POST', '/v1/internal/data/database/config', {body: {data: {username: 'u', password: 'p'}}})
  await call(vault, 'PUT', '/v1/sys/policies/acl/internal-app', {body: {policy: 'path "internal/data/database/config" { capabilities = ["read"] }'}})
})
afterAll(async () => {
  await vault.stop()
  await api.close()
  await tlsApi.close()
})

const configure = (body: Record<string, unknown>) => call(vault, 'POST', '/v1/auth/kubernetes/config', {body})
const writeRole = (name: string, body: Record<string, unknown>) => call(vault, 'POST', `/v1/auth/kubernetes/role/${name}`, {body})
const login = (body: Record<string, unknown>) => call(vault, 'POST', '/v1/auth/kubernetes/login', {token: null, body})
const TUTORIAL_ROLE = {bound_service_account_names: 'internal-app', bound_service_account_namespaces: 'default', policies: 'internal-app', ttl: '24h'}

describe('auth/kubernetes/config', () => {
  it('is 404 until written, validates like Vault and replaces the whole config on write', async () => {
    expect(await call(vault, 'GET', '/v1/auth/kubernetes/config')).toMatchObject({status: 404, body: {errors: []}})
    expect(await configure({})).toMatchObject({status: 400, body: {errors: ['no host provided']}})
    expect(await configure({kubernetes_host: api.url, kubernetes_ca_cert: 'not a pem'})).toMatchObject({
      status: 400,
      body: {errors: ['The provided CA PEM data contains no valid certificates']},
    })
    expect(await configure({kubernetes_host: api.url, pem_keys: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'})).toMatchObject({
      status: 400,
      body: {errors: ['data does not contain any valid RSA or ECDSA public keys']},
    })
    expect((await configure({kubernetes_host: api.url, token_reviewer_jwt: vaultSaJwt, disable_local_ca_jwt: true})).status).toBe(204)
    const read = await call(vault, 'GET', '/v1/auth/kubernetes/config')
    expect(read.body.data).toEqual({
      disable_iss_validation: true,
      disable_local_ca_jwt: true,
      issuer: '',
      kubernetes_ca_cert: '',
      kubernetes_host: api.url,
      pem_keys: [],
      token_reviewer_jwt_set: true,
      use_annotations_as_alias_metadata: false,
    })
    expect(read.body.mount_type).toBe('kubernetes')
    expect(read.text).not.toContain(vaultSaJwt)
    await configure({kubernetes_host: api.url, kubernetes_ca_cert: tlsApi.caPem})
    expect(vault.state.kubernetes()?.config).toMatchObject({token_reviewer_jwt: '', disable_local_ca_jwt: false, kubernetes_ca_cert: tlsApi.caPem})
  })
})

describe('auth/kubernetes/role', () => {
  it('stores the tutorial role and reads it back with Vault\'s field set', async () => {
    const write = await writeRole('internal-app', TUTORIAL_ROLE)
    expect(write.status).toBe(200)
    expect(write.body).toMatchObject({data: null, warnings: [expect.stringMatching(/^Role internal-app does not have an audience configured\./)]})
    const read = await call(vault, 'GET', '/v1/auth/kubernetes/role/internal-app')
    expect(read.body.data).toEqual({
      alias_name_source: 'serviceaccount_uid',
      bound_service_account_names: ['internal-app'],
      bound_service_account_namespace_selector: '',
      bound_service_account_namespaces: ['default'],
      policies: ['internal-app'],
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 0,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['internal-app'],
      token_ttl: 86400,
      token_type: 'default',
      ttl: 86400,
    })
  })

  it('answers 204 with an audience, keeps legacy keys out for token_* writes, and is case-insensitive', async () => {
    expect((await writeRole('Audience', {bound_service_account_names: ['a'], bound_service_account_namespaces: ['*'], token_policies: ['x'], token_ttl: 3600, audience: 'vault'})).status).toBe(204)
    const read = (await call(vault, 'GET', '/v1/auth/kubernetes/role/audience')).body.data
    expect(read).toMatchObject({audience: 'vault', token_policies: ['x'], token_ttl: 3600})
    expect(read).not.toHaveProperty('policies')
    expect(read).not.toHaveProperty('ttl')
    expect((await call(vault, 'LIST', '/v1/auth/kubernetes/role')).body.data.keys).toEqual(['audience', 'internal-app'])
    expect((await call(vault, 'GET', '/v1/auth/kubernetes/role?list=true')).body.data.keys).toEqual(['audience', 'internal-app'])
  })

  it('reads a list never given back as null and empty token lists as [] (pathRoleRead, tokenutil PopulateTokenData)', async () => {
    const written = await writeRole('selector-only', {bound_service_account_names: ['a'], bound_service_account_namespace_selector: '{"matchLabels":{"team":"a"}}'})
    // 200 rather than 204: the role has no audience, which Vault warns about.
    expect(written).toMatchObject({status: 200, body: {warnings: [expect.stringContaining('audience')]}})
    const read = await call(vault, 'GET', '/v1/auth/kubernetes/role/selector-only')
    expect(read.body.data).toMatchObject({bound_service_account_namespaces: null, token_policies: [], token_bound_cidrs: []})
    expect(read.text).toContain('"bound_service_account_namespaces":null')
    await call(vault, 'DELETE', '/v1/auth/kubernetes/role/selector-only')
  })

  it('refuses invalid roles with Vault\'s messages', async () => {
    const error = async (body: Record<string, unknown>): Promise<string[]> => (await writeRole('bad', body)).body.errors
    expect(await error({bound_service_account_namespaces: 'default'})).toEqual(['"bound_service_account_names" can not be empty'])
    expect(await error({bound_service_account_names: 'a'})).toEqual(['"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set'])
    expect(await error({bound_service_account_names: 'a,*', bound_service_account_namespaces: 'x'})).toEqual(['can not mix "*" with values'])
    expect(await error({...TUTORIAL_ROLE, ttl: '24x'})).toEqual(['error converting input 24x for field "ttl": time: unknown unit "x" in duration "24x"'])
    expect(await error({...TUTORIAL_ROLE, token_ttl: '2h', token_max_ttl: '1h'})).toEqual(["'token_ttl' cannot be greater than 'token_max_ttl'"])
    expect(await error({...TUTORIAL_ROLE, alias_name_source: 'x'})).toEqual(['invalid alias_name_source, must be one of: serviceaccount_uid, serviceaccount_name'])
    expect(await error({...TUTORIAL_ROLE, bound_service_account_namespace_selector: '[not, a, map]'})).toEqual(['invalid "bound_service_account_namespace_selector" configured'])
    expect(await call(vault, 'GET', '/v1/auth/kubernetes/role/bad')).toMatchObject({status: 404, body: {errors: []}})
    expect(await call(vault, 'GET', '/v1/auth/kubernetes/role/a/b')).toMatchObject({status: 404, body: {errors: ['1 error occurred:\n\t* unsupported path\n\n']}})
    expect((await call(vault, 'DELETE', '/v1/auth/kubernetes/role/never')).status).toBe(204)
  })
})

describe('auth/kubernetes/login', () => {
  beforeAll(async () => {
    await configure({kubernetes_host: api.url, token_reviewer_jwt: vaultSaJwt})
    await writeRole('internal-app', TUTORIAL_ROLE)
  })

  it('logs in after a real TokenReview and issues a token with the role\'s policies', async () => {
    const before = api.calls.length
    const res = await login({role: 'internal-app', jwt: appJwt})
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({data: null, mount_type: 'kubernetes', lease_duration: 0, renewable: false})
    expect(res.body.auth).toMatchObject({
      policies: ['default', 'internal-app'],
      token_policies: ['default', 'internal-app'],
      metadata: {role: 'internal-app', service_account_name: 'internal-app', service_account_namespace: 'default', service_account_secret_name: '', service_account_uid: APP.uid},
      lease_duration: 86400,
      renewable: true,
      token_type: 'service',
      orphan: true,
      num_uses: 0,
    })
    const [review] = api.calls.slice(before)
    expect(review!.path).toBe('/apis/authentication.k8s.io/v1/tokenreviews')
    expect(review!.authorization).toBe(`Bearer ${vaultSaJwt}`)
    expect(review!.body).toEqual({metadata: {creationTimestamp: null}, spec: {token: appJwt, audiences: ['https://kubernetes.default.svc.cluster.local']}, status: {user: {}}})
    const token = res.body.auth.client_token
    expect((await call(vault, 'GET', '/v1/internal/data/database/config', {token})).body.data.data).toEqual({password: 'p', username: 'u'})
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token})).body.data).toMatchObject({display_name: 'kubernetes-default-internal-app', path: 'auth/kubernetes/login'})
  })

  it('checks the request and role before anything else', async () => {
    expect(await login({jwt: appJwt})).toMatchObject({status: 400, body: {errors: ['missing role']}})
    expect(await login({role: 'internal-app'})).toMatchObject({status: 400, body: {errors: ['missing jwt']}})
    expect(await login({role: 'nope', jwt: appJwt})).toMatchObject({status: 400, body: {errors: ['invalid role name "nope"']}})
  })

  it('refuses service accounts and namespaces the role does not bind, with glob rules', async () => {
    const other = serviceAccountJwt({...APP, name: 'web'})
    expect(await login({role: 'internal-app', jwt: other})).toMatchObject({status: 403, body: {errors: ['service account name not authorized']}})
    const elsewhere = serviceAccountJwt({...APP, namespace: 'prod'})
    expect(await login({role: 'internal-app', jwt: elsewhere})).toMatchObject({status: 403, body: {errors: ['namespace not authorized']}})
    await writeRole('globbed', {bound_service_account_names: 'internal-*', bound_service_account_namespaces: 'def*', policies: 'internal-app'})
    expect((await login({role: 'globbed', jwt: appJwt})).status).toBe(200)
  })

  it('validates JWT claims: audience, expiry, form', async () => {
    await writeRole('with-aud', {...TUTORIAL_ROLE, audience: 'vault'})
    expect(await login({role: 'with-aud', jwt: appJwt})).toMatchObject({
      status: 403,
      body: {errors: ['invalid audience (aud) claim: audience claim does not match any expected audience']},
    })
    const expired = serviceAccountJwt({...APP, exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 1200})
    expect(await login({role: 'internal-app', jwt: expired})).toMatchObject({status: 403, body: {errors: ['invalid expiration time (exp) claim: token is expired']}})
    expect(await login({role: 'internal-app', jwt: 'not.a-jwt'})).toMatchObject({status: 403, body: {errors: ['permission denied']}})
    expect(await login({role: 'internal-app', jwt: serviceAccountJwt(APP, 'HS256')})).toMatchObject({status: 403, body: {errors: ['permission denied']}})
  })

  it('maps TokenReview failures to a bare 403 permission denied and keeps the reason in the request log', async () => {
    const unknown = serviceAccountJwt({...APP, uid: 'other-uid'})
    expect(await login({role: 'internal-app', jwt: unknown})).toMatchObject({status: 403, body: {errors: ['permission denied']}})
    expect(vault.requests.at(-1)).toMatchObject({path: '/v1/auth/kubernetes/login', status: 403, token: 'none', reason: 'lookup failed: [invalid bearer token, token lookup failed]'})
    const failing = await startFakeApiServer(() => ({status: 401, body: {kind: 'Status', code: 401}}))
    try {
      await configure({kubernetes_host: failing.url})
      expect((await login({role: 'internal-app', jwt: appJwt})).body.errors).toEqual(['permission denied'])
      expect(vault.requests.at(-1)?.reason).toMatch(/^lookup failed: service account unauthorized/)
      // Without a reviewer JWT, a Vault running in a cluster reviews with its own pod token.
      expect(failing.calls.at(-1)?.authorization).toBe(`Bearer ${vaultSaJwt}`)
    } finally {
      await failing.close()
      await configure({kubernetes_host: api.url, token_reviewer_jwt: vaultSaJwt})
    }
  })

  it('answers 500 without a config', async () => {
    const bare = await startVaultEmulator()
    try {
      await call(bare, 'POST', '/v1/sys/auth/kubernetes', {body: {type: 'kubernetes'}})
      await call(bare, 'POST', '/v1/auth/kubernetes/role/r', {body: TUTORIAL_ROLE})
      expect(await call(bare, 'POST', '/v1/auth/kubernetes/login', {token: null, body: {role: 'r', jwt: appJwt}})).toMatchObject({
        status: 500,
        body: {errors: ['could not load backend configuration']},
      })
    } finally {
      await bare.stop()
    }
  })

  it('reaches the in-cluster API host over TLS with the local CA and its own service-account token', async () => {
    await configure({kubernetes_host: 'https://kubernetes.default.svc:443'})
    const before = tlsApi.calls.length
    expect((await login({role: 'internal-app', jwt: appJwt})).status).toBe(200)
    expect(tlsApi.calls.slice(before).map((c) => c.authorization)).toEqual([`Bearer ${vaultSaJwt}`])
    // With the local CA disabled and none given, the API server's certificate is not trusted.
    await configure({kubernetes_host: 'https://kubernetes.default.svc', disable_local_ca_jwt: true})
    expect((await login({role: 'internal-app', jwt: appJwt})).body.errors).toEqual(['permission denied'])
    expect(vault.requests.at(-1)?.reason).toMatch(/certificate/)
    await configure({kubernetes_host: 'https://kubernetes.default.svc', disable_local_ca_jwt: true, kubernetes_ca_cert: tlsApi.caPem})
    expect((await login({role: 'internal-app', jwt: appJwt})).status).toBe(200)
    expect(tlsApi.calls.at(-1)?.authorization).toBe(`Bearer ${appJwt}`)
  })

  it('cannot resolve the in-cluster host when Vault runs outside a cluster', async () => {
    const outside = await startVaultEmulator()
    try {
      await call(outside, 'POST', '/v1/sys/auth/kubernetes', {body: {type: 'kubernetes'}})
      await call(outside, 'POST', '/v1/auth/kubernetes/config', {body: {kubernetes_host: 'https://kubernetes.default.svc'}})
      await call(outside, 'POST', '/v1/auth/kubernetes/role/r', {body: TUTORIAL_ROLE})
      expect((await call(outside, 'POST', '/v1/auth/kubernetes/login', {token: null, body: {role: 'r', jwt: appJwt}})).body.errors).toEqual(['permission denied'])
      expect(outside.requests.at(-1)?.reason).toBe('dial tcp: lookup kubernetes.default.svc: no such host')
    } finally {
      await outside.stop()
    }
  })

  it('verifies JWT signatures when pem_keys are configured', async () => {
    const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'P-256'})
    const unsigned = serviceAccountJwt(APP, 'ES256').split('.').slice(0, 2).join('.')
    const signature = sign('sha256', Buffer.from(unsigned), {key: privateKey, dsaEncoding: 'ieee-p1363'}).toString('base64url')
    const signed = `${unsigned}.${signature}`
    const accounts = reviewerFor({[signed]: APP})
    const signingApi = await startFakeApiServer((c) => accounts(c))
    try {
      await configure({kubernetes_host: signingApi.url, pem_keys: [publicKey.export({type: 'spki', format: 'pem'})]})
      expect((await login({role: 'internal-app', jwt: signed})).status).toBe(200)
      expect(await login({role: 'internal-app', jwt: serviceAccountJwt(APP, 'ES256')})).toMatchObject({status: 403, body: {errors: ['permission denied']}})
    } finally {
      await signingApi.close()
      await configure({kubernetes_host: api.url, token_reviewer_jwt: vaultSaJwt})
    }
  })

  it('accepts legacy secret-based service-account tokens', async () => {
    const legacy = serviceAccountJwt({...APP, legacy: true})
    const accounts = reviewerFor({[legacy]: APP})
    const legacyApi = await startFakeApiServer((c) => accounts(c))
    try {
      await configure({kubernetes_host: legacyApi.url})
      const res = await login({role: 'internal-app', jwt: legacy})
      expect(res.body.auth.metadata.service_account_secret_name).toBe('internal-app-token-abcde')
      // Legacy tokens carry no aud claim, so the review asks for no audiences.
      expect(legacyApi.calls.at(-1)?.body.spec).toEqual({token: legacy})
    } finally {
      await legacyApi.close()
      await configure({kubernetes_host: api.url, token_reviewer_jwt: vaultSaJwt})
    }
  })

  it('revokes the tokens of an auth method when it is disabled', async () => {
    const token = (await login({role: 'internal-app', jwt: appJwt})).body.auth.client_token
    await call(vault, 'POST', '/v1/sys/auth/k8s-two', {body: {type: 'kubernetes'}})
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token})).status).toBe(200)
    await call(vault, 'DELETE', '/v1/sys/auth/kubernetes')
    expect((await call(vault, 'GET', '/v1/auth/token/lookup-self', {token})).status).toBe(403)
    expect(vault.state.kubernetes()).toBeUndefined()
  })
})
