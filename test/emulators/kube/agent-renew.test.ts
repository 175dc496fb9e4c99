/**
 * The emulated Vault Agent renews its token right after logging in, as the real one does: the auth handler starts an
 * api.LifetimeWatcher (hashicorp/vault command/agentproxyshared/auth/auth.go), whose first loop renews a renewable
 * token at once with PUT auth/token/renew-self {"increment": 0} (api/lifetime_watcher.go, api/auth_token.go), and
 * "renewed auth token" is logged only after that renewal succeeded.
 */
import {readFileSync} from 'node:fs'
import https from 'node:https'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {startVaultEmulator, type VaultEmulator} from '../vault/index.js'
import {startKubeEmulator, type KubeEmulator} from './index.js'

describe('the emulated agent renews its token after login', () => {
  let kube: KubeEmulator
  let vault: VaultEmulator
  const V = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${vault.url}/v1/${path}`, {method, headers: {'X-Vault-Token': vault.rootToken}, body: JSON.stringify(body)})
    expect(res.status, `${method} ${path}`).toBeLessThan(300)
  }

  beforeAll(async () => {
    kube = await startKubeEmulator({preset: 'tutorial'})
    vault = await startVaultEmulator({kube: {url: kube.url, caPem: kube.caPem, serviceAccountToken: kube.issueServiceAccountToken('default', 'vault')}})
    kube.setVault({url: vault.url})
  })
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      const req = https.get(new URL(path, kube.url), {ca: kube.caPem, headers: {Authorization: `Bearer ${kube.adminToken}`}}, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      })
      req.on('error', reject)
    })
  afterAll(async () => {
    await kube?.stop()
    await vault?.stop()
  })

  it('sends renew-self with the login token after each login, then logs "renewed auth token"', async () => {
    await V('POST', 'sys/mounts/internal', {type: 'kv', options: {version: '2'}})
    await V('POST', 'internal/data/database/config', {data: {username: 'u', password: 'p'}})
    await V('POST', 'sys/auth/kubernetes', {type: 'kubernetes'})
    await V('POST', 'auth/kubernetes/config', {kubernetes_host: 'https://kubernetes.default.svc'})
    await V('PUT', 'sys/policies/acl/internal-app', {policy: 'path "internal/data/database/config" {\n  capabilities = ["read"]\n}'})
    await V('POST', 'auth/kubernetes/role/internal-app', {bound_service_account_names: 'internal-app', bound_service_account_namespaces: 'default', policies: 'internal-app', ttl: '24h'})
    kube.store.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'internal-app', namespace: 'default'}})
    const mark = vault.requests.length
    const patch = parse(readFileSync(new URL('../../fixtures/tutorial/patch-inject-secrets.yaml', import.meta.url), 'utf8'))
    const d = kube.store.get('deployments', 'default', 'orgchart')!
    d.spec.template.metadata.annotations = patch.spec.template.metadata.annotations
    kube.store.put(d)
    await kube.settle()

    const agentCalls = vault.requests
      .slice(mark)
      .filter((r) => r.path.startsWith('/v1/auth/'))
      .map((r) => `${r.method} ${r.path} ${r.status} ${r.token}`)
    // vault-agent-init, then the vault-agent sidecar: each logs in and renews the token it got.
    expect(agentCalls).toEqual([
      'PUT /v1/auth/kubernetes/login 200 none',
      'PUT /v1/auth/token/renew-self 200 other',
      'PUT /v1/auth/kubernetes/login 200 none',
      'PUT /v1/auth/token/renew-self 200 other',
    ])
    const pod = kube.store.list('pods', 'default').find((p) => p.metadata.labels?.app === 'orgchart')!
    const log = await get(`/api/v1/namespaces/default/pods/${pod.metadata.name}/log?container=vault-agent`)
    expect(log).toMatch(/agent\.auth\.handler: starting renewal process\n[\s\S]*agent\.auth\.handler: renewed auth token\n/)
  })
})
